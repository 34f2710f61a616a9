"""The live service: the writer thread that keeps an index level with the disk
(:mod:`.live`), its control socket (:mod:`.control`), its value types (:mod:`.state`)
and the CLI commands that run or talk to it (:mod:`.commands`).

Above the engine: it imports the engine, the watchers and the pipeline; nothing in the
core imports it. The window (finder/gui) and the CLI use it.
"""
