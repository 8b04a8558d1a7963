#!/bin/sh
# Captures a screen walkthrough of the browser on the bundled demo store (repository list with size bars, tags,
# manifest, layers, the space view, the gc screen) from the real binary under tmux, and writes it into README.md
# between the walkthrough markers. Rerun after changing what the browser shows:
#
#   swift build && scripts/capture-walkthrough.sh            # DRYDOCK=path/to/drydock to use another binary
#
# Needs tmux. Runs its own tmux server on a private socket and stops it at the end; the demo is a temporary copy,
# so nothing is written anywhere but README.md.
set -eu

cd "$(dirname "$0")/.."
DRYDOCK=${DRYDOCK:-.build/debug/drydock}
README=${README:-README.md}
WIDTH=100
HEIGHT=30
SOCKET="drydock-walkthrough-$$"
OUT=$(mktemp)
trap 'tmux -L "$SOCKET" kill-server 2>/dev/null || true; rm -f "$OUT" "$OUT.readme"' EXIT INT TERM

[ -x "$DRYDOCK" ] || { echo "capture-walkthrough: no drydock binary at $DRYDOCK (swift build first)" >&2; exit 1; }
command -v tmux >/dev/null || { echo "capture-walkthrough: tmux is needed" >&2; exit 1; }
grep -q '<!-- walkthrough:start -->' "$README" || { echo "capture-walkthrough: no walkthrough markers in $README" >&2; exit 1; }

t() { tmux -u -L "$SOCKET" -f /dev/null "$@"; }

# The screen, once it contains $1 and two captures 100 ms apart agree (a frame is drawn in several writes).
# Bounded: 150 tries, about 15 seconds.
wait_for() {
    previous=""
    i=0
    while [ $i -lt 150 ]; do
        screen=$(t capture-pane -p -t walk)
        case "$screen" in
            *"$1"*)
                case "$screen" in *"indexing"* | *"verifying"* | *"reading catalog"* | *"planning"*) ;;
                *) [ "$screen" = "$previous" ] && return 0 ;;
                esac
                previous=$screen
                ;;
        esac
        i=$((i + 1))
        sleep 0.1
    done
    echo "capture-walkthrough: timed out waiting for \"$1\"; the screen was:" >&2
    t capture-pane -p -t walk >&2
    exit 1
}

# One screen as a titled block. The temporary demo path and the clock vary from run to run: they are normalized,
# and runs of blank lines (the empty middle of a short list) are squeezed to one, so regenerating changes nothing.
shot() {
    {
        printf '%s\n\n```text\n' "$1"
        t capture-pane -p -t walk |
            sed -e 's/drydock-demo-[A-Za-z0-9]*/drydock-demo-XXXXXXXX/' -e 's/read [0-9][0-9]:[0-9][0-9]:[0-9][0-9]/read 14:03:27/' |
            cat -s
        printf '```\n\n'
    } >>"$OUT"
}

key() {
    t send-keys -t walk "$@"
    sleep 0.2
}

t new-session -d -x $WIDTH -y $HEIGHT -s walk \
    "env TERM=xterm-256color LANG=C.UTF-8 LC_ALL=C.UTF-8 NO_COLOR=1 SWIFT_BACKTRACE=interactive=no $DRYDOCK; sleep 600"

wait_for "team/frontend"
shot "The repository list: sizes with bars relative to the largest repository, unique bytes, the worst status."
# library/alpine is the fifth repository by name.
key j; key j; key j; key j; key Enter
wait_for "Tags ("
shot "Enter opens a repository's tags (Tab: every manifest, tagged or not)."
key Enter
wait_for "Digest"
shot "Enter on a tag: the manifest (here a multi-platform index), its checks, signature and referrers."
# The cursor starts on the first line that opens something: the index's first child, then that image's layers.
key Enter
wait_for "Layers ›"
key Enter
wait_for "SHARED"
shot "The layers, with how many repositories share each (Enter: which ones)."
key Escape; key Escape; key Escape; key Escape
wait_for "REPOSITORY"
key D
wait_for "Layers shared most"
shot "D: where the space goes, with what each kind of garbage collection would free."
key Escape
key X
wait_for "orphan blobs"
shot "X: the garbage collection screen offers both modes with their bytes, then shows the chosen plan."
key Escape
key q

# Replace what is between the markers (kept) with the new captures.
awk -v shots="$OUT" '
    /<!-- walkthrough:start -->/ { print; while ((getline line < shots) > 0) print line; skip = 1; next }
    /<!-- walkthrough:end -->/ { skip = 0 }
    !skip { print }
' "$README" >"$OUT.readme"
mv "$OUT.readme" "$README"
echo "capture-walkthrough: wrote $(grep -c '^```text' "$OUT") screens into $README"
