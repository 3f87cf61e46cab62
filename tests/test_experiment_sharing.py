"""The weight-sharing experiment runs to the end at a reduced size and reports every figure."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import pytest

pytest.importorskip("sklearn")

SCRIPT = Path(__file__).resolve().parents[1] / "experiments" / "sharing.py"


def load_script():
    spec = importlib.util.spec_from_file_location("sharing_experiment", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
def test_quick_run_reports_every_figure(capsys) -> None:
    sharing = load_script()
    results = sharing.main(["--quick"])
    text = capsys.readouterr().out
    for title in ("Cost", "Test accuracy per epoch, full training set",
                  "End of training, full training set",
                  "Test accuracy per epoch, reduced training set",
                  "End of training, reduced training set", "What the numbers say"):
        assert f"**{title}**" in text
    for name in sharing.MODELS:
        assert text.count(f"| {name} |") == 5  # one row in each table
    for column in ("parameters", "ms per epoch", "peak MiB", "train (%)", "test (%)",
                   "gap", "epochs to"):
        assert column in text
    for curves in results.curves.values():
        assert len(curves.test) == sharing.QUICK.seeds
        assert all(0 <= a <= 1 for run in curves.test + curves.train for a in run)
        assert all(s > 0 and math.isfinite(s) for run in curves.seconds for s in run)
    assert results.parameters["convolution"] < results.parameters["tiled"] < (
        results.parameters["locally connected"]) < results.parameters["dense"]
    import matplotlib.pyplot as plt

    figure = sharing.plot(results)
    assert len(figure.axes) == 2
    plt.close(figure)
