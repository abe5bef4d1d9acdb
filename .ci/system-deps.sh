#!/usr/bin/env bash
# System tools for PDF output on Debian/Ubuntu: LibreOffice, poppler, fontconfig and free
# stand-ins for the official fonts (仿宋_GB2312 → FandolFang etc.).  Idempotent: each step
# is skipped when its result is already present, so a re-run takes about a second.
# Run as root (or as a user with sudo).
set -euo pipefail

# Writer converts the Word files, Calc the workbooks; Hanazono covers the rare characters of
# CJK Extension B that names sometimes hold, so none prints as a box.
PACKAGES=(libreoffice-writer-nogui libreoffice-calc-nogui poppler-utils fontconfig fonts-noto-cjk
          fonts-arphic-ukai fonts-liberation fonts-hanazono)
FANDOL_DIR=/usr/local/share/fonts/fandol
# FandolSong and FandolHei also ship a Bold face; all of them are needed.
FANDOL_FILES=(FandolFang-Regular.otf FandolKai-Regular.otf FandolHei-Regular.otf
              FandolHei-Bold.otf FandolSong-Regular.otf FandolSong-Bold.otf)

SUDO=()
if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then
        SUDO=(sudo)
    else
        echo "system-deps.sh: run as root (or install sudo)" >&2
        exit 1
    fi
fi
export DEBIAN_FRONTEND=noninteractive

log() { printf '[system-deps] %s\n' "$*"; }

updated=0
apt_update_once() {
    # apt-get update is the slow part; do it at most once, and only when something is missing.
    if [ "$updated" -eq 0 ]; then
        log "apt-get update"
        "${SUDO[@]}" apt-get update -qq
        updated=1
    fi
}

is_installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'
}

# --- 1. Debian packages ---------------------------------------------------------------
missing=()
for pkg in "${PACKAGES[@]}"; do
    is_installed "$pkg" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
    apt_update_once
    log "installing: ${missing[*]}"
    "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
    log "packages already installed: ${PACKAGES[*]}"
fi

# --- 2. Fandol fonts, taken from texlive-lang-chinese without installing TeX -------------
fandol_missing=0
for f in "${FANDOL_FILES[@]}"; do
    [ -s "$FANDOL_DIR/$f" ] || fandol_missing=1
done
if [ "$fandol_missing" -eq 1 ]; then
    apt_update_once
    work="$(mktemp -d)"
    trap 'rm -rf "$work"' EXIT
    # apt-get download drops privileges to _apt; let it write into the work folder.
    chmod 0755 "$work"
    if id _apt >/dev/null 2>&1; then
        "${SUDO[@]}" chown _apt "$work" 2>/dev/null || true
    fi
    log "downloading texlive-lang-chinese (about 50 MB) for the Fandol fonts"
    (cd "$work" && "${SUDO[@]}" apt-get download -qq texlive-lang-chinese)
    deb="$(find "$work" -maxdepth 1 -name 'texlive-lang-chinese_*.deb' | head -n 1)"
    [ -n "$deb" ] || { echo "system-deps.sh: download of texlive-lang-chinese failed" >&2; exit 1; }
    mkdir -p "$work/x"
    dpkg -x "$deb" "$work/x"
    "${SUDO[@]}" mkdir -p "$FANDOL_DIR"
    for f in "${FANDOL_FILES[@]}"; do
        src="$(find "$work/x" -type f -name "$f" | head -n 1)"
        [ -n "$src" ] || { echo "system-deps.sh: $f not found in the package" >&2; exit 1; }
        "${SUDO[@]}" install -m 0644 "$src" "$FANDOL_DIR/$f"
    done
    log "installed Fandol fonts into $FANDOL_DIR"
    "${SUDO[@]}" fc-cache -f
else
    log "Fandol fonts already in $FANDOL_DIR"
fi

# --- 3. Font cache: rebuild only when fontconfig does not see the fonts yet ------------
if ! fc-list : family | grep -q 'FandolFang'; then
    log "fc-cache -f"
    "${SUDO[@]}" fc-cache -f
fi

# --- 4. Check the result -----------------------------------------------------------------
for family in FandolFang FandolKai FandolHei FandolSong "AR PL UKai CN" "Noto Sans CJK SC" \
              "Noto Serif CJK SC"; do
    if ! fc-list : family | grep -qF "$family"; then
        echo "system-deps.sh: font family '$family' is still missing" >&2
        exit 1
    fi
done
for tool in soffice pdftoppm pdftotext pdffonts pdfinfo fc-match; do
    command -v "$tool" >/dev/null 2>&1 || { echo "system-deps.sh: $tool not on PATH" >&2; exit 1; }
done
log "ok: $(soffice --version 2>/dev/null | head -n 1)"
