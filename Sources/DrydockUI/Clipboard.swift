import Foundation

/// The terminal clipboard escape (OSC 52, xterm's "Manipulate Selection Data"): `ESC ] 52 ; c ; BASE64 BEL`. It
/// reaches the local terminal over ssh, and tmux takes it into a paste buffer (and passes it on) with `set-clipboard`.
/// Pure: the terminal module writes these bytes; the UI never touches the terminal.
public enum Clipboard {
    /// Terminals cap the escape's length (xterm and tmux take far more than this); longer text is refused.
    public static let maxBytes = 65_536

    /// The bytes that put `text` on the clipboard (`c`: the clipboard selection), or nil when the text is too long.
    public static func osc52(_ text: String) -> [UInt8]? {
        let utf8 = Data(text.utf8)
        guard utf8.count <= maxBytes else { return nil }
        // Base64 keeps the payload to A-Z a-z 0-9 + / =: nothing in the text can end the escape early.
        return Array("\u{1B}]52;c;".utf8) + Array(utf8.base64EncodedString().utf8) + [0x07]
    }
}
