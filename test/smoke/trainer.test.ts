// Smoke test of the trainer's Python stack (venv from jobs/trainer/requirements.txt): scikit-learn
// trains, skl2onnx exports, onnxruntime scores the export the same as scikit-learn.
import { describe, expect, it } from 'vitest';
import { requireTool, run } from '../helpers/tools.js';

const SCRIPT = `
import json
import numpy as np
import sklearn, skl2onnx, onnxruntime as ort
from sklearn.linear_model import LogisticRegression
from skl2onnx import to_onnx

rng = np.random.default_rng(7)
X = rng.normal(size=(200, 3)).astype(np.float32)
y = (X[:, 0] + 0.5 * X[:, 1] > 0).astype(np.int64)
model = LogisticRegression().fit(X, y)
onx = to_onnx(model, X[:1], options={id(model): {"zipmap": False}}, target_opset=17)
sess = ort.InferenceSession(onx.SerializeToString(), providers=["CPUExecutionProvider"])
label, proba = sess.run(None, {sess.get_inputs()[0].name: X})
print(json.dumps({
    "sklearn": sklearn.__version__,
    "skl2onnx": skl2onnx.__version__,
    "accuracy": float((model.predict(X) == y).mean()),
    "max_abs_diff": float(np.abs(proba[:, 1] - model.predict_proba(X)[:, 1]).max()),
    "labels_equal": bool((label == model.predict(X)).all()),
}))
`;

describe('trainer Python stack', () => {
  it('imports sklearn and skl2onnx and exports a model onnxruntime scores identically', async () => {
    const python = requireTool('trainer-python');
    const res = await run(python, ['-c', SCRIPT], { timeoutMs: 120_000 });
    expect(res.code, res.stderr).toBe(0);
    const out = JSON.parse(res.stdout.trim().split('\n').pop() ?? '{}') as {
      sklearn: string;
      skl2onnx: string;
      accuracy: number;
      max_abs_diff: number;
      labels_equal: boolean;
    };
    expect(out.sklearn).toMatch(/^\d+\.\d+/);
    expect(out.skl2onnx).toMatch(/^\d+\.\d+/);
    expect(out.accuracy).toBeGreaterThan(0.9);
    expect(out.labels_equal).toBe(true);
    expect(out.max_abs_diff).toBeLessThan(1e-5);
  });
});
