"Property-based tests of `fsd_nb.cka.linear_cka` over random shapes, scales, translations and masks."
import torch
from hypothesis import given, settings, strategies as st
from fsd_nb.cka import linear_cka

def reference_cka(X, Y):
    "Eq. 4-5 with the explicit centring matrix, float64."
    X, Y = X.double(), Y.double()
    n = X.shape[0]
    H = torch.eye(n, dtype=torch.float64) - 1 / n
    hsic = lambda K, L: torch.trace(K @ H @ L @ H)
    K, L = X @ X.T, Y @ Y.T
    return hsic(K, L) / torch.sqrt(hsic(K, K) * hsic(L, L))

def random_pair(seed, n, d1, d2, shared):
    "X and Y whose first `shared` columns are related, so CKA spans (0, 1)."
    g = torch.Generator().manual_seed(seed)
    X, Y = torch.randn(n, d1, generator=g, dtype=torch.float64), torch.randn(n, d2, generator=g, dtype=torch.float64)
    k = min(shared, d1, d2)
    Y[:, :k] += X[:, :k]
    return X, Y

shapes = dict(seed=st.integers(0, 2**31 - 1), n=st.integers(4, 24), d1=st.integers(1, 12), d2=st.integers(1, 12),
              shared=st.integers(0, 12))

@settings(max_examples=60, deadline=None)
@given(**shapes)
def test_matches_equations_4_5(seed, n, d1, d2, shared):
    X, Y = random_pair(seed, n, d1, d2, shared)
    assert torch.allclose(linear_cka(X, Y), reference_cka(X, Y), atol=1e-6)

@settings(max_examples=60, deadline=None)
@given(**shapes, scale=st.floats(1e-3, 1e3), offset=st.floats(-1e2, 1e2), unbiased=st.booleans())
def test_invariances_and_range(seed, n, d1, d2, shared, scale, offset, unbiased):
    X, Y = random_pair(seed, n, d1, d2, shared)
    value = linear_cka(X, Y, unbiased=unbiased)
    Q, _ = torch.linalg.qr(torch.randn(d1, d1, generator=torch.Generator().manual_seed(seed), dtype=torch.float64))
    for transformed in (X @ Q, scale * X, X + offset):
        assert torch.allclose(linear_cka(transformed, Y, unbiased=unbiased), value, atol=1e-6)
    assert torch.allclose(linear_cka(Y, X, unbiased=unbiased), value, atol=1e-12)
    if not unbiased: assert -1e-12 <= value <= 1 + 1e-12
    else: assert value <= 1 + 1e-12

@settings(max_examples=40, deadline=None)
@given(**shapes, keep_seed=st.integers(0, 2**31 - 1), unbiased=st.booleans())
def test_masked_equals_sliced(seed, n, d1, d2, shared, keep_seed, unbiased):
    X, Y = random_pair(seed, n, d1, d2, shared)
    mask = torch.rand(n, generator=torch.Generator().manual_seed(keep_seed)) > 0.5
    mask[:4] = True
    assert torch.allclose(linear_cka(X, Y, mask=mask, unbiased=unbiased),
                          linear_cka(X[mask], Y[mask], unbiased=unbiased), atol=1e-9)

@settings(max_examples=30, deadline=None)
@given(**shapes, batch=st.integers(1, 4))
def test_batched_equals_per_sample(seed, n, d1, d2, shared, batch):
    pairs = [random_pair(seed + i, n, d1, d2, shared) for i in range(batch)]
    X, Y = torch.stack([p[0] for p in pairs]), torch.stack([p[1] for p in pairs])
    per_sample = torch.stack([linear_cka(x, y) for x, y in pairs])
    assert torch.allclose(linear_cka(X, Y), per_sample, atol=1e-12)

@settings(max_examples=60, deadline=None)
@given(**shapes, offset=st.floats(-1e4, 1e4), offset_y=st.floats(-1e4, 1e4), unbiased=st.booleans())
def test_float32_with_a_large_common_offset_matches_float64(seed, n, d1, d2, shared, offset, offset_y, unbiased):
    "Features far from the origin (issue 13, item 14: `linear_cka(X + 1e4, X)` once gave 0.0 in float32)."
    X, Y = random_pair(seed, n, d1, d2, shared)
    X32, Y32 = (X + offset).float(), (Y + offset_y).float()  # what float32 holds: the reference sees the same numbers
    value = linear_cka(X32, Y32, unbiased=unbiased)
    Xc, Yc = X32.double() - X32.double().mean(0), Y32.double() - Y32.double().mean(0)  # centred exactly, in float64
    reference = linear_cka(Xc, Yc, unbiased=True) if unbiased else reference_cka(Xc, Yc)
    assert value.dtype == torch.float32 and abs(value.item() - reference.item()) <= 1e-4, (value, reference)

def test_the_offsets_of_the_report():
    X = torch.randn(32, 64, generator=torch.Generator().manual_seed(0))
    for offset in (1e3, 1e4):
        assert abs(linear_cka(X + offset, X).item() - 1) <= 1e-4
