#!/usr/bin/env bash
# Renders an HTML page in headless Chromium (Debian's chromium package) with name resolution cut
# off, and writes into OUT_DIR:
#   dom.html        the document as Chromium parsed it (--dump-dom)
#   net-log.json    Chromium's network log of that load: every request it made, the page's and its
#                   own (the page's carry the page's origin as "initiator"; Chromium's own say
#                   "not an origin")
#   screenshot.png  the page as drawn, WIDTH x HEIGHT pixels
# usage: tests/report-in-chromium.sh PAGE.html OUT_DIR [WIDTH,HEIGHT]
set -euo pipefail
page=$(realpath "$1")
out=$2
size=${3:-1400,1800}
mkdir -p "$out"
# The browser itself: Debian's /usr/bin/chromium launcher also exports Google API keys, which turn
# on sign-in requests.
chromium=/usr/lib/chromium/chromium
[[ -x $chromium ]] || chromium=$(command -v chromium)
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
flags=(--headless=new --no-sandbox --disable-gpu --no-first-run --user-data-dir="$profile"
       --disable-background-networking --disable-component-update --disable-sync
       --disable-default-apps --disable-extensions --no-pings --hide-scrollbars
       # nothing can leave the machine, whatever asks: every host name fails to resolve
       "--host-resolver-rules=MAP * ~NOTFOUND")
timeout 60 "$chromium" "${flags[@]}" --log-net-log="$out/net-log.json" --dump-dom "file://$page" \
  >"$out/dom.html" 2>"$out/chromium.log"
timeout 60 "$chromium" "${flags[@]}" --window-size="$size" --screenshot="$out/screenshot.png" \
  "file://$page" >/dev/null 2>>"$out/chromium.log"
[[ -s $out/dom.html && -s $out/net-log.json && -s $out/screenshot.png ]]
