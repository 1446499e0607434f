"""finmodel's version and the default random seed: constants every layer may read."""

__version__ = "0.1.0"
DEFAULT_SEED = 20260101  # the seed of every command and function that takes one
