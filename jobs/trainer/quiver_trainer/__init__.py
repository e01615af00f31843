"""Quiver trainer: feature Parquet -> scikit-learn model -> ONNX, metrics and validation scores."""

__version__ = "0.1.0"

TRAINER_VERSION = __version__

__all__ = ["TRAINER_VERSION", "__version__"]
