"""The embedded development stack: Tansu broker + accord's registry on loopback ports."""
