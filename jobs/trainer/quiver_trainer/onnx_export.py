"""ONNX export (skl2onnx) and its check against scikit-learn (onnxruntime)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import onnx
import onnxruntime as ort
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import FloatTensorType
from sklearn.base import BaseEstimator

from quiver_trainer import TRAINER_VERSION

INPUT_NAME = "features"
OUTPUT_NAME = "probabilities"
TARGET_OPSET = {"": 17, "ai.onnx.ml": 3}
"""Upper bounds of the opsets; skl2onnx uses the lowest operator versions that suffice."""


def export_onnx(model: BaseEstimator, name: str, feature_names: Sequence[str]) -> bytes:
    """Converts a fitted binary classifier to ONNX.

    The graph has one input, ``features`` (float32, [None, F]), and one output,
    ``probabilities`` (float32, [None, 2]; column 1 is P(positive)). The label
    output skl2onnx also produces is removed. The bytes depend only on the model,
    ``name`` and ``feature_names``.
    """
    n_features = len(feature_names)
    proto = convert_sklearn(
        model,
        name=name,
        initial_types=[(INPUT_NAME, FloatTensorType([None, n_features]))],
        options={id(model): {"zipmap": False}},
        target_opset=dict(TARGET_OPSET),
        doc_string="",
    )
    _keep_only_output(proto.graph, OUTPUT_NAME)
    _set_shape(proto.graph.output[0], [None, 2])
    _dedupe_opsets(proto)
    proto.graph.name = name
    del proto.metadata_props[:]
    for key, value in (
        ("quiver.model", name),
        ("quiver.trainer_version", TRAINER_VERSION),
        ("quiver.features", json.dumps(list(feature_names))),
        ("quiver.positive_class_column", "1"),
    ):
        entry = proto.metadata_props.add()
        entry.key = key
        entry.value = value
    onnx.checker.check_model(proto, full_check=True)
    data: bytes = proto.SerializeToString()
    return data


def _keep_only_output(graph: onnx.GraphProto, name: str) -> None:
    outputs = [o for o in graph.output if o.name == name]
    if len(outputs) != 1:
        raise RuntimeError(f"the converted model has no {name!r} output: {[o.name for o in graph.output]}")
    del graph.output[:]
    graph.output.extend(outputs)
    while True:
        needed = {o.name for o in graph.output} | {i for node in graph.node for i in node.input}
        keep = [node for node in graph.node if any(o in needed for o in node.output)]
        if len(keep) == len(graph.node):
            break
        del graph.node[:]
        graph.node.extend(keep)
    used = {i for node in graph.node for i in node.input}
    initializers = [t for t in graph.initializer if t.name in used]
    del graph.initializer[:]
    graph.initializer.extend(initializers)
    produced = {o for node in graph.node for o in node.output}
    value_info = [v for v in graph.value_info if v.name in produced]
    del graph.value_info[:]
    graph.value_info.extend(value_info)


def _set_shape(value: onnx.ValueInfoProto, dims: Sequence[int | None]) -> None:
    shape = value.type.tensor_type.shape
    del shape.dim[:]
    for d in dims:
        dim = shape.dim.add()
        if d is not None:
            dim.dim_value = d


def _dedupe_opsets(proto: onnx.ModelProto) -> None:
    versions: dict[str, int] = {}
    for opset in proto.opset_import:
        versions[opset.domain] = max(versions.get(opset.domain, 0), opset.version)
    del proto.opset_import[:]
    for domain in sorted(versions):
        proto.opset_import.append(onnx.helper.make_opsetid(domain, versions[domain]))


def onnx_signature(model_bytes: bytes) -> dict[str, Any]:
    """The IR version and operator-set versions the model actually uses."""
    proto = onnx.load_from_string(model_bytes)
    return {
        "ir_version": int(proto.ir_version),
        "opsets": {o.domain or "ai.onnx": int(o.version) for o in proto.opset_import},
        "producer": f"{proto.producer_name} {proto.producer_version}",
    }


def onnx_probabilities(model_bytes: bytes, x: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """Scores ``x`` with onnxruntime (one thread); returns the [n, 2] probabilities."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.log_severity_level = 3
    session = ort.InferenceSession(model_bytes, sess_options=options, providers=["CPUExecutionProvider"])
    inputs = [i.name for i in session.get_inputs()]
    outputs = [o.name for o in session.get_outputs()]
    if inputs != [INPUT_NAME] or outputs != [OUTPUT_NAME]:
        raise RuntimeError(f"unexpected ONNX signature: inputs {inputs}, outputs {outputs}")
    result: list[Any] = session.run([OUTPUT_NAME], {INPUT_NAME: np.ascontiguousarray(x, dtype=np.float32)})
    probabilities = np.asarray(result[0])
    if probabilities.dtype != np.float32 or probabilities.ndim != 2 or probabilities.shape[1] != 2:
        raise RuntimeError(f"unexpected ONNX output: {probabilities.dtype} {probabilities.shape}")
    return probabilities
