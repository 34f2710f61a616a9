"""The window. The only package (with :mod:`finder.app`) that imports Qt.

Threads: widgets live on the GUI thread; searches run on a worker QThread that owns a
index reader; indexing runs on the index service's writer thread. Workers talk to
widgets only through queued signals.
"""
