#!/bin/sh
# Put Ridealong in your applications menu and `ridealong` on your PATH, for you only
# (no root). Run it from the unpacked folder: ./install.sh   Remove: ./install.sh --uninstall
# The app stays where you unpacked it; move the folder first if you want it elsewhere.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${XDG_DATA_HOME:-$HOME/.local/share}
bin=$HOME/.local/bin
id=io.github.ridealong.Ridealong

if [ "${1:-}" = "--uninstall" ]; then
    rm -f "$data/applications/ridealong.desktop" "$data/metainfo/$id.metainfo.xml"
    [ "$(readlink "$bin/ridealong" 2>/dev/null)" = "$here/Ridealong" ] && rm -f "$bin/ridealong"
    for icon in "$data"/icons/hicolor/*/apps/"$id".png "$data/icons/hicolor/scalable/apps/$id.svg"; do
        rm -f "$icon"
    done
    echo "Removed Ridealong from the menu. Your data is untouched; delete $here to remove the app."
    exit 0
fi

mkdir -p "$data/applications" "$data/metainfo" "$bin"
cp -R "$here/share/icons" "$data/"
cp "$here/share/metainfo/$id.metainfo.xml" "$data/metainfo/"
# The menu entry runs this very folder's executable (quoted: the path may have spaces).
sed -e "s|^Exec=.*|Exec=\"$here/Ridealong\"|" -e "s|^TryExec=.*|TryExec=$here/Ridealong|" \
    "$here/share/applications/ridealong.desktop" > "$data/applications/ridealong.desktop"
ln -sf "$here/Ridealong" "$bin/ridealong"
# No icon cache in the user's folder: a stale one would hide icons other apps add later.
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$data/applications" || true
echo "Ridealong is in your applications menu; \`ridealong\` runs it from a terminal ($bin)."
