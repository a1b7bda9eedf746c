"""The `lotting` command line: a thin layer over the library (installed as ``lotting.cli``)."""
