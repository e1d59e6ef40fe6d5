"""The PySide6 window over the engine. It holds no music logic."""
