"""Line items written once and evaluated two ways (numpy arrays and Excel formulas)."""
from .expr import (Abs, Blank, Const, Eq, Exp, Expr, Max, Min, Mod, Next, Period, Pmt, Prev,
                   Ref, RoundUp, RowTotal, Scalar, Series, Sum, Where, Lag)
from .model import Inputs, Model, ModelError, Values

__all__ = ["Abs", "Blank", "Const", "Eq", "Exp", "Expr", "Max", "Min", "Mod", "Next", "Period",
           "Pmt", "Prev", "Ref", "RoundUp", "RowTotal", "Scalar", "Series", "Sum", "Where", "Lag", "Inputs", "Model",
           "ModelError", "Values"]
