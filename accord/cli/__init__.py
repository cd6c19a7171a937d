"""The ``accord`` command line: thin commands over the packages (see :mod:`accord.cli.app`)."""
