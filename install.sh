#!/usr/bin/env bash
# Install nianbao into ./.venv from scratch (Python >= 3.11): the package, its test tools,
# the CJK fonts used to render PDF/scan fixtures, and exactly one OpenCV.
set -euo pipefail
cd "$(dirname "$0")"
export DEBIAN_FRONTEND=noninteractive PIP_DISABLE_PIP_VERSION_CHECK=1
if ! fc-list 2>/dev/null | grep -qi "wenquanyi zen hei" || ! fc-list 2>/dev/null | grep -qi "uming" \
    || ! command -v tesseract >/dev/null; then
  if [ "$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq --no-install-recommends \
      fonts-wqy-zenhei fonts-arphic-uming fontconfig tesseract-ocr tesseract-ocr-chi-sim >/dev/null
  else echo "note: install fonts-wqy-zenhei fonts-arphic-uming (apt) to render PDF/scan fixtures," \
            "tesseract-ocr tesseract-ocr-chi-sim for the OCR comparison of nianbao bench" >&2; fi
fi
python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e ".[dev]"
# rapidocr wants opencv-python-headless, rapid-layout opencv-python; both own the cv2 package,
# so keep only the headless build (no GUI libraries needed on servers).
.venv/bin/pip uninstall -q -y opencv-python opencv-python-headless
.venv/bin/pip install -q --no-deps opencv-python-headless==5.0.0.93
.venv/bin/python -c "import cv2, rapidocr, rapid_layout; print('nianbao installed; OpenCV', cv2.__version__)"
