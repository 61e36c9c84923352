"""Live preview and watched builds: a warm worker rebuilds the book when an input changes.

``worker`` holds the warm state and the latest good rendering, ``watcher`` notices edits,
``server`` shows the rendering in a browser (``exporter preview``), ``pages`` turns the PDF
into page images, ``page`` is the preview's own HTML. ``exporter build --watch`` uses the
worker and the watcher without the server.
"""
