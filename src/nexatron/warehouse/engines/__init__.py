"""Engine modules: each defines one Engine subclass with its config; the registry finds them."""
