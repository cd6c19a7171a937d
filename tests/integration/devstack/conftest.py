"""The dev stack tests use pytester to run the shipped pytest plugin the way a user would."""

pytest_plugins = ["pytester"]
