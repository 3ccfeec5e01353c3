# Sourced by the scripts: makes .venv with Python 3.11+ and installs openpas into it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
pick_python() {
    for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
        [ -n "$candidate" ] || continue
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$candidate"
            return
        fi
    done
    echo "openpas needs Python 3.11 or newer; none was found on PATH" >&2
    exit 1
}
if [ ! -x .venv/bin/python ]; then
    "$(pick_python)" -m venv .venv
    .venv/bin/python -m pip install --quiet --upgrade pip
fi
install_openpas() {  # $1: the extras, e.g. "[dev]"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${1:-}"
}
