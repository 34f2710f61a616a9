"""finder: find files by meaning, offline.

Importing the package switches off what its dependencies would send over the network or
write outside finder's own folders (:mod:`finder.privacy`). Python imports a package
before any of its modules, so this runs first in every finder process: the command
line, the window, and the children they start (parsers, embedder, ONNX export), which
import finder too and inherit the environment besides.
"""

from finder.privacy import switch_off_telemetry

__version__ = "0.1.0"

switch_off_telemetry()
