"""finmodel: appraisal of investments and business models for zero-carbon industrial parks."""
__version__ = "0.1.0"
