/// The `y` menu: what can be copied from the selected row (a digest, `REPO:TAG`, `REPO@DIGEST`, a pull command).
public struct CopyMenu: Equatable, Sendable {
    public struct Choice: Equatable, Sendable {
        /// `digest`, `REPO:TAG`, `pull command`.
        public var label: String
        /// The text copied, escaped (`SafeText`): store names are validated by the registry's grammar, so this is
        /// the text itself unless the store holds a name the registry would refuse.
        public var text: String

        public init(_ label: String, _ text: String) {
            self.label = label
            self.text = text
        }
    }

    public var choices: [Choice]
    public var selected = 0

    public init(choices: [Choice]) { self.choices = choices }
}
