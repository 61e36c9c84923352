"""Live preview and watched builds: a warm worker rebuilds the book when an input changes.

``worker`` holds the warm state and the latest good rendering (``progress`` brings it each
part of a build as soon as it is made), ``watcher`` notices edits, ``server`` shows the
rendering in a browser (``exporter preview``), ``pages`` turns the PDF pages into images,
``page`` is the preview's own HTML. ``exporter build --watch`` uses the
worker and the watcher without the server.
"""
