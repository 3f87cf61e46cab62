"""The unrolled recurrent layers against PyTorch: the Jacobian of a hand-unrolled loop
and of ``nn.RNN`` itself, the symbolic matrix with numbers put in, counts and graph."""

from __future__ import annotations

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st
from strategies import fewer_examples, seeds

import symconv as sc

torch = pytest.importorskip("torch")

shapes = st.tuples(st.integers(1, 5), st.integers(1, 3), st.integers(1, 3))


def random_parameters(rnn: sc.LinearRNN, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {name: rng.standard_normal(shape) / 2 for name, shape in rnn.shapes.items()}


def unrolled(params: dict[str, torch.Tensor], steps: int, hidden: int):
    """PyTorch's recurrence without nonlinearity, written as a loop, as a function of x."""
    def run(x: torch.Tensor) -> torch.Tensor:
        h = torch.zeros(hidden, dtype=torch.float64)
        out = []
        for x_t in x.reshape(steps, -1):
            h = params["weight_ih"] @ x_t + params["weight_hh"] @ h
            if "bias_ih" in params:
                h = h + params["bias_ih"] + params["bias_hh"]
            out.append(h)
        return torch.cat(out)
    return run


@given(shape=shapes, bias=st.booleans(), seed=seeds)
def test_numeric_matrix_is_the_jacobian_of_the_unrolled_loop(shape, bias, seed) -> None:
    steps, inputs, hidden = shape
    rnn = sc.LinearRNN((steps, inputs), hidden, bias=bias)
    params = random_parameters(rnn, seed)
    tensors = {k: torch.from_numpy(v) for k, v in params.items()}
    x = torch.from_numpy(np.random.default_rng(seed + 1).standard_normal(steps * inputs))
    jacobian = torch.func.jacrev(unrolled(tensors, steps, hidden))(x).numpy()
    matrix = rnn.numeric_matrix(params["weight_ih"], params["weight_hh"])
    np.testing.assert_allclose(matrix.toarray(), jacobian, rtol=1e-10, atol=1e-12)
    if bias:
        affine = rnn.numeric_matrix(*params.values())
        expected = unrolled(tensors, steps, hidden)(x).numpy()
        np.testing.assert_allclose(affine @ np.append(x.numpy(), 1), expected, rtol=1e-10,
                                   atol=1e-12)


@given(shape=shapes, seed=seeds)
def test_numeric_matrix_is_the_jacobian_of_relu_rnn_where_everything_is_active(
    shape, seed
) -> None:
    """With positive weights, biases and inputs every pre-activation is positive, so
    ``nn.RNN(nonlinearity="relu")`` is locally the linear recurrence."""
    steps, inputs, hidden = shape
    rnn = sc.LinearRNN((steps, inputs), hidden)
    params = {k: np.abs(v) + 0.01 for k, v in random_parameters(rnn, seed).items()}
    module = torch.nn.RNN(inputs, hidden, nonlinearity="relu", dtype=torch.float64)
    with torch.no_grad():
        for name, value in params.items():
            getattr(module, f"{name}_l0").copy_(torch.from_numpy(value))
    x = torch.from_numpy(np.abs(np.random.default_rng(seed).standard_normal(steps * inputs)))

    def run(flat: torch.Tensor) -> torch.Tensor:
        return module(flat.reshape(steps, inputs))[0].reshape(-1)

    assert (run(x) > 0).all()
    jacobian = torch.func.jacrev(run)(x).detach().numpy()
    np.testing.assert_allclose(rnn.numeric_matrix(params["weight_ih"], params["weight_hh"])
                               .toarray(), jacobian, rtol=1e-10, atol=1e-12)


@fewer_examples(10)
@given(shape=st.tuples(st.integers(1, 4), st.integers(1, 2), st.integers(1, 2)), seed=seeds)
def test_symbolic_matrix_and_forward_with_numbers_match_the_numeric_ones(shape, seed) -> None:
    steps, inputs, hidden = shape
    rnn = sc.LinearRNN((steps, inputs), hidden)
    params = random_parameters(rnn, seed)
    values = dict(zip(rnn.parameters, np.concatenate([v.ravel() for v in params.values()]),
                      strict=True))
    x = np.random.default_rng(seed).standard_normal(steps * inputs)
    symbolic = np.array(rnn.matrix().xreplace(values).tolist(), dtype=float)
    affine = rnn.numeric_matrix(*params.values()).toarray()
    np.testing.assert_allclose(symbolic, affine[:, :-1], rtol=1e-12)
    out = np.array(rnn.forward(x.tolist()).xreplace(values).tolist(), dtype=float).ravel()
    np.testing.assert_allclose(out, affine @ np.append(x, 1), rtol=1e-10)
    # the Toeplitz structure: block (t, s) depends on t - s only, and is W_hh^(t-s) W_ih
    m = rnn.matrix()
    for t in range(steps):
        for s in range(steps):
            block = m[t * hidden:(t + 1) * hidden, s * inputs:(s + 1) * inputs]
            expected = (rnn.block(t - s) if s <= t else sympy.zeros(hidden, inputs))
            assert block == expected
    assert rnn.block(min(1, steps - 1)).expand() == rnn.block(min(1, steps - 1))


def test_counts_graph_and_receptive_fields() -> None:
    rnn = sc.LinearRNN((4, 2), 3)
    assert rnn.num_parameters == 3 * 2 + 3 * 3 + 3 + 3
    assert rnn.untied_parameters == 4 * 3 * 2 + 3 * 3 * 3 + 4 * 6
    graph = rnn.graph()
    assert graph.number_of_edges() == rnn.num_connections == 4 * 6 + 3 * 9
    assert {d["param"] for *_, d in graph.edges(data=True)} == set(range(15))
    import networkx as nx
    for unit in range(rnn.n_out):
        ancestors = {graph.nodes[n]["label"] for n in nx.ancestors(graph, f"h{unit // 3 + 1}_"
                                                                  f"{unit % 3 + 1}")
                     if graph.nodes[n]["kind"] == "input"}
        expected = {rnn.input_symbols()[i].name for i in rnn.receptive_field(unit)}
        assert ancestors == expected
    m = rnn.matrix()
    assert [rnn.receptive_field(u) for u in range(rnn.n_out)] == [
        tuple(c for c in range(rnn.n_in) if m[u, c] != 0) for u in range(rnn.n_out)]
    relu = sc.RNN((4, 2), 3, nonlinearity="relu")
    assert relu.receptive_field((2, 1)) == rnn.receptive_field((2, 1)) == tuple(range(6))
    with pytest.raises(sc.NotLinearError):
        relu.matrix()


def test_tanh_forward_is_the_textbook_recurrence() -> None:
    rnn = sc.RNN((2, 1), 1)
    u, w, b, c, x1, x2 = sympy.symbols("u w b c x_1 x_2", real=True)
    first = sympy.tanh(u * x1 + b + c)
    assert list(rnn.forward()) == [first, sympy.tanh(u * x2 + w * first + b + c)]


def test_bad_arguments_are_refused_by_name() -> None:
    with pytest.raises(sc.LayerConfigError, match="in_shape"):
        sc.LinearRNN(4, 2)
    with pytest.raises(sc.LayerConfigError, match="nonlinearity='sigmoid'"):
        sc.RNN((4, 1), 2, nonlinearity="sigmoid")
    rnn = sc.LinearRNN((3, 1), 2)
    with pytest.raises(sc.ShapeMismatchError, match="weight_hh"):
        rnn.numeric_matrix(np.ones((2, 1)), np.ones((2, 1)))
    with pytest.raises(sc.ShapeMismatchError, match="bias"):
        rnn.numeric_matrix(np.ones((2, 1)), np.ones((2, 2)), np.ones(2))
    with pytest.raises(sc.SizeLimitError, match="monomials"):
        sc.LinearRNN((12, 3), 4).matrix()
    with pytest.raises(sc.UnitIndexError, match="lag=3"):
        rnn.block(3)


def test_views_do_not_share_state() -> None:
    rnn = sc.LinearRNN((3, 1), 2, bias=False)
    block = rnn.block(1)
    block[0, 0] = 0
    assert rnn.block(1)[0, 0] != 0
    m = rnn.matrix()
    m[2, 0] = 7
    assert rnn.matrix()[2, 0] != 7


def test_unrolled_figure_repeats_one_colour_per_shared_weight() -> None:
    import matplotlib.pyplot as plt
    from matplotlib.colors import to_hex

    rnn = sc.RNN((3, 2), 2)
    ax = sc.plot_unrolled_rnn(rnn)
    assert plt.gcf() is ax.figure
    arrows = {"weight_ih": [], "weight_hh": []}
    for patch in ax.patches:
        arrows[patch.get_gid()].append(to_hex(patch.get_edgecolor()))
    assert len(arrows["weight_ih"]) == 3 * 4 and len(arrows["weight_hh"]) == 2 * 4
    # every step repeats the same four input colours and the same four recurrent ones
    assert len(set(arrows["weight_ih"])) == 4 and len(set(arrows["weight_hh"])) == 4
    assert not set(arrows["weight_ih"]) & set(arrows["weight_hh"])
    assert len(ax.get_legend().get_texts()) == 8
    plt.close("all")
