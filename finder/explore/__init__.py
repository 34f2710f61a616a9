"""Exploring what is indexed: a 2-D map of the files, their topics, near-duplicates and
"like this, but about X". Thread-free work over stored vectors and text (never the
model, except to embed a steering text); the engine and the front ends call it."""
