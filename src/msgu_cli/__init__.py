"""msgu: the emergency-management contact directory and follow recommender for Quebec."""

__all__ = ["__version__"]

__version__ = "0.1.0"
