"""What weight sharing buys, measured: four hidden layers of one output shape on 8x8 digits.

Trains, with plain NumPy, a network ``hidden layer -> ReLU -> Dense(., 10) -> softmax``
on scikit-learn's bundled 8x8 digits (1,797 images, no download) where the hidden layer
is, in turn, a dense, a locally connected, a tiled and a convolutional layer, all with
the same output shape ``(C, 6, 6)``. The hidden layer's forward pass is symconv's
numeric matrix, and its update is symconv's weight-gradient rule
(``Layer.weight_gradient``): the gradient of a shared weight is the sum over every
position that uses it, so sharing is visible in the update itself.

Reported over several seeds (mean and standard deviation): parameters, time per epoch,
peak memory of an epoch, training and test accuracy per epoch, epochs to a target test
accuracy, the final train-test gap, and all of it again on a reduced training set.

Run it (about half a minute on two cores)::

    python experiments/sharing.py            # the full experiment, Markdown on stdout
    python experiments/sharing.py --quick    # a reduced size, a few seconds

Needs ``pip install ".[experiment]"`` (scikit-learn).
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

import symconv as sc

CHANNELS = 6
KERNEL = 3
TILES = 2
MODELS: dict[str, Callable[[], sc.Layer]] = {
    "dense": lambda: sc.Dense((1, 8, 8), CHANNELS * 36),
    "locally connected": lambda: sc.LocallyConnected2d((1, 8, 8), CHANNELS, KERNEL),
    "tiled": lambda: sc.TiledConv2d((1, 8, 8), CHANNELS, KERNEL, TILES),
    "convolution": lambda: sc.Conv2d((1, 8, 8), CHANNELS, KERNEL),
}
"""The hidden layers compared, all from ``(1, 8, 8)`` to ``6 * 36 = 216`` units."""


@dataclass(frozen=True)
class Config:
    """The size of one run of the experiment."""

    seeds: int = 5
    epochs: int = 10
    reduced: int = 200
    """Training images of the reduced training set."""
    reduced_epochs: int = 30
    """Epochs on the reduced set: about half the updates of the full set's epochs."""
    target: float = 0.9
    """Test accuracy whose first epoch is reported."""
    batch: int = 32
    learning_rate: float = 0.05

    def epochs_of(self, size: str) -> int:
        """Epochs on the ``"full"`` or the ``"reduced"`` training set."""
        return self.epochs if size == "full" else self.reduced_epochs


QUICK = Config(seeds=2, epochs=2, reduced=60, reduced_epochs=3)


@dataclass
class Curves:
    """Per seed and epoch, for one hidden layer and one training-set size."""

    train: list[list[float]] = field(default_factory=list)
    test: list[list[float]] = field(default_factory=list)
    seconds: list[list[float]] = field(default_factory=list)


@dataclass
class Results:
    """Everything the report shows."""

    config: Config
    sizes: dict[str, int]
    """Training images per setting: ``"full"`` and ``"reduced"``."""
    parameters: dict[str, int]
    peak_mib: dict[str, float]
    curves: dict[tuple[str, str], Curves]


def load(seed: int) -> tuple[np.ndarray, ...]:
    """Digits scaled to [0, 1], split 80/20 (stratified, shuffled by ``seed``)."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    x = digits.images.reshape(len(digits.images), -1) / 16.0
    return tuple(train_test_split(x, digits.target, test_size=0.2, stratify=digits.target,
                                  random_state=seed))


class Network:
    """``layer -> ReLU -> Dense(units, 10)``, trained by minibatch SGD on cross-entropy."""

    def __init__(self, layer: sc.Layer, rng: np.random.Generator) -> None:
        self.layer = layer
        assert layer.weight_shape is not None and layer.bias_shape is not None
        fan_in = layer.num_weight_connections / layer.n_out
        self.weight = rng.standard_normal(layer.weight_shape) * np.sqrt(2 / fan_in)
        self.bias = np.zeros(layer.bias_shape)
        self.head = rng.standard_normal((10, layer.n_out)) * np.sqrt(1 / layer.n_out)
        self.head_bias = np.zeros(10)
        self.bias_of_unit = layer.structure.bias_index()
        """Which bias each hidden unit adds (one per channel, tile or unit)."""

    def hidden(self, x: np.ndarray) -> np.ndarray:
        """Pre-activations ``M x + b`` of the hidden layer, from symconv's numeric matrix."""
        matrix = self.layer.numeric_matrix(self.weight)
        return (matrix @ x.T).T + self.bias.ravel()[self.bias_of_unit]

    def predict(self, x: np.ndarray) -> np.ndarray:
        """Class scores."""
        return np.maximum(self.hidden(x), 0) @ self.head.T + self.head_bias

    def step(self, x: np.ndarray, y: np.ndarray, rate: float) -> None:
        """One SGD step on the mean cross-entropy of a minibatch."""
        pre = self.hidden(x)
        act = np.maximum(pre, 0)
        scores = act @ self.head.T + self.head_bias
        prob = np.exp(scores - scores.max(axis=1, keepdims=True))
        prob /= prob.sum(axis=1, keepdims=True)
        prob[np.arange(len(y)), y] -= 1
        d_scores = prob / len(y)
        d_pre = (d_scores @ self.head) * (pre > 0)
        self.head -= rate * d_scores.T @ act
        self.head_bias -= rate * d_scores.sum(axis=0)
        # the sharing rule: each weight's gradient sums delta_i x_j over its positions
        self.weight -= rate * self.layer.weight_gradient(x, d_pre)
        self.bias -= rate * self.layer.bias_gradient(d_pre)


def accuracy(network: Network, x: np.ndarray, y: np.ndarray) -> float:
    """Fraction of ``x`` classified as ``y``."""
    return float((network.predict(x).argmax(axis=1) == y).mean())


def train(name: str, data: Sequence[np.ndarray], seed: int, epochs: int, config: Config,
          curves: Curves) -> None:
    """Train one network, appending its per-epoch figures to ``curves``."""
    x_train, x_test, y_train, y_test = data
    rng = np.random.default_rng(seed)
    network = Network(MODELS[name](), rng)
    train_acc, test_acc, seconds = [], [], []
    for _ in range(epochs):
        start = time.perf_counter()
        order = rng.permutation(len(x_train))
        for lo in range(0, len(order), config.batch):
            batch = order[lo:lo + config.batch]
            network.step(x_train[batch], y_train[batch], config.learning_rate)
        seconds.append(time.perf_counter() - start)
        train_acc.append(accuracy(network, x_train, y_train))
        test_acc.append(accuracy(network, x_test, y_test))
    curves.train.append(train_acc)
    curves.test.append(test_acc)
    curves.seconds.append(seconds)


def peak_memory_mib(name: str, data: Sequence[np.ndarray], config: Config) -> float:
    """Peak memory traced during one epoch of training (``tracemalloc``; NumPy reports)."""
    tracemalloc.start()
    try:
        train(name, data, 0, 1, config, Curves())
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def run(config: Config = Config()) -> Results:
    """Train every hidden layer for every seed on the full and the reduced training set."""
    curves = {(size, name): Curves() for size in ("full", "reduced") for name in MODELS}
    sizes: dict[str, int] = {}
    for seed in range(config.seeds):
        x_train, x_test, y_train, y_test = load(seed)
        keep = np.random.default_rng(seed).permutation(len(x_train))[:config.reduced]
        settings = {"full": (x_train, x_test, y_train, y_test),
                    "reduced": (x_train[keep], x_test, y_train[keep], y_test)}
        for size, data in settings.items():
            sizes[size] = len(data[0])
            for name in MODELS:
                train(name, data, seed, config.epochs_of(size), config, curves[size, name])
    data = load(0)
    return Results(
        config, sizes,
        parameters={name: make().num_parameters for name, make in MODELS.items()},
        peak_mib={name: peak_memory_mib(name, data, config) for name in MODELS},
        curves=curves,
    )


# --- the report ---------------------------------------------------------------------
def spread(values: Sequence[float], scale: float = 1.0, digits: int = 1) -> str:
    """``mean ± standard deviation`` of ``values`` times ``scale``."""
    scaled = [v * scale for v in values]
    sd = statistics.stdev(scaled) if len(scaled) > 1 else 0.0
    return f"{statistics.fmean(scaled):.{digits}f} ± {sd:.{digits}f}"


def epochs_to(test: list[list[float]], target: float) -> list[int | None]:
    """Per seed, the first epoch (1-based) whose test accuracy reaches ``target``."""
    return [next((e + 1 for e, a in enumerate(run) if a >= target), None) for run in test]


def _reached(epochs: list[int | None], total: int) -> str:
    hit = [e for e in epochs if e is not None]
    if not hit:
        return f"never (0 of {len(epochs)} seeds in {total} epochs)"
    return f"{statistics.median(hit):g} (median; {len(hit)} of {len(epochs)} seeds)"


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in rows])


def tables(results: Results) -> dict[str, str]:
    """The report's Markdown tables, by title."""
    c = results.config
    out = {}
    full = {name: results.curves["full", name] for name in MODELS}
    out["Cost"] = _table(
        ["hidden layer", "parameters (hidden + classifier)", "ms per epoch",
         "peak MiB in an epoch"],
        [[name, f"{results.parameters[name]:,} + {10 * 216 + 10:,}",
          spread([statistics.median(s) for s in full[name].seconds], 1000),
          f"{results.peak_mib[name]:.2f}"] for name in MODELS],
    )
    for size in ("full", "reduced"):
        epochs = c.epochs_of(size)
        shown = sorted({1, min(2, epochs), min(5, epochs), epochs // 2 or 1, epochs})
        curves = {name: results.curves[size, name] for name in MODELS}
        out[f"Test accuracy per epoch, {size} training set"] = _table(
            ["hidden layer", *(f"epoch {e} (%)" for e in shown)],
            [[name, *(spread([run[e - 1] for run in curves[name].test], 100) for e in shown)]
             for name in MODELS],
        )
        out[f"End of training, {size} training set"] = _table(
            ["hidden layer", "train (%)", "test (%)", "train - test gap (points)",
             f"epochs to {c.target:.0%} test"],
            [[name, spread([r[-1] for r in curves[name].train], 100),
              spread([r[-1] for r in curves[name].test], 100),
              spread([a[-1] - b[-1] for a, b in zip(curves[name].train, curves[name].test,
                                                   strict=True)], 100),
              _reached(epochs_to(curves[name].test, c.target), epochs)]
             for name in MODELS],
        )
    return out


def findings(results: Results) -> list[str]:
    """Sentences that read the numbers, whichever way they go."""
    def finals(size: str, name: str, kind: str) -> list[float]:
        curves = results.curves[size, name]
        return [r[-1] for r in getattr(curves, kind)]

    def mean(values: list[float]) -> float:
        return statistics.fmean(values)

    def sd(values: list[float]) -> float:
        return statistics.stdev(values) if len(values) > 1 else 0.0

    says = []
    for size in ("full", "reduced"):
        test = {n: finals(size, n, "test") for n in MODELS}
        gaps = {n: [a - b for a, b in zip(finals(size, n, "train"), test[n], strict=True)]
                for n in MODELS}
        best = max(MODELS, key=lambda n: mean(test[n]))
        worst = min(MODELS, key=lambda n: mean(test[n]))
        margin = mean(test[best]) - mean(test[worst])
        noise = max(sd(v) for v in test.values())
        verdict = ("within the spread over seeds, so no layer is clearly better"
                   if margin <= noise else "larger than the spread over seeds")
        says.append(
            f"{size.capitalize()} training set ({results.sizes[size]} images): final test "
            f"accuracy ranges from {mean(test[worst]):.1%} ({worst}) to "
            f"{mean(test[best]):.1%} ({best}), a difference of {margin * 100:.1f} points, "
            f"{verdict} (largest standard deviation {noise * 100:.1f} points). The "
            f"train-test gap ranges from {min(mean(g) for g in gaps.values()) * 100:.1f} "
            f"({min(gaps, key=lambda n: mean(gaps[n]))}) to "
            f"{max(mean(g) for g in gaps.values()) * 100:.1f} points "
            f"({max(gaps, key=lambda n: mean(gaps[n]))})."
        )
    fewest = min(MODELS, key=results.parameters.__getitem__)
    most = max(MODELS, key=results.parameters.__getitem__)
    seconds = {n: mean([statistics.median(s) for s in results.curves["full", n].seconds])
               for n in MODELS}
    says.append(
        f"The {fewest} layer has {results.parameters[most] / results.parameters[fewest]:.0f}x "
        f"fewer parameters than the {most} layer; its epoch takes "
        f"{seconds[fewest] / seconds[most]:.2f}x the {most} layer's time and its training "
        f"peaks at {results.peak_mib[fewest] / results.peak_mib[most]:.2f}x the memory."
    )
    return says


def report(results: Results) -> str:
    """The whole report as Markdown."""
    c = results.config
    parts = [
        f"{c.seeds} seeds; minibatch {c.batch}, learning rate {c.learning_rate}; "
        f"{c.epochs} epochs on the full training set ({results.sizes['full']} images), "
        f"{c.reduced_epochs} on the reduced one ({results.sizes['reduced']} images); "
        "360 test images; mean ± standard deviation over seeds.",
    ]
    for title, table in tables(results).items():
        parts += [f"**{title}**", table]
    parts += ["**What the numbers say**", "\n".join(f"- {s}" for s in findings(results))]
    return "\n\n".join(parts) + "\n"


def plot(results: Results):  # type: ignore[no-untyped-def]
    """Test accuracy per epoch, mean and one standard deviation, for both training sets."""
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(9, 3.4), layout="constrained")
    for ax, size in zip(axes, ("full", "reduced"), strict=True):
        epochs = np.arange(1, results.config.epochs_of(size) + 1)
        for name in MODELS:
            test = np.array(results.curves[size, name].test) * 100
            mean, sd = test.mean(axis=0), test.std(axis=0)
            (line,) = ax.plot(epochs, mean, label=name, linewidth=1.8)
            ax.fill_between(epochs, mean - sd, mean + sd, color=line.get_color(), alpha=0.2)
        ax.set_title(f"{size} training set ({results.sizes[size]} images)")
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("test accuracy (%)")
    axes[1].legend(loc="lower right", frameon=False)
    return fig


def main(argv: Sequence[str] | None = None) -> Results:
    """Run the experiment, print the report and return the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a reduced size (CI, docs)")
    parser.add_argument("--seeds", type=int, help="override the number of seeds")
    parser.add_argument("--epochs", type=int, help="override the number of epochs")
    args = parser.parse_args(argv)
    config = QUICK if args.quick else Config()
    overrides = {k: v for k, v in (("seeds", args.seeds), ("epochs", args.epochs)) if v}
    config = Config(**{**config.__dict__, **overrides})
    start = time.perf_counter()
    results = run(config)
    print(report(results))
    print(f"(whole experiment: {time.perf_counter() - start:.1f} s)")
    return results


if __name__ == "__main__":
    main()
