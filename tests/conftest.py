"""Test set-up shared by the whole suite: Qt runs offscreen, with no display."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
