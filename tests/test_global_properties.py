"Property-based tests of the global structure's relations: normalised distances are scale-free, raw ones are not."
import torch
from hypothesis import given, settings, strategies as st
from fsd_nb.losses import global_inter_feature_terms

def features_and_memories(seed, batch, centroids, width_s, width_t):
    g = torch.Generator().manual_seed(seed)
    draw = lambda *shape: torch.randn(*shape, generator=g, dtype=torch.float64)
    return draw(batch, width_s), draw(batch, width_t), draw(centroids, width_s), draw(centroids, width_t)

cases = dict(seed=st.integers(0, 2**31 - 1), batch=st.integers(2, 12), centroids=st.integers(2, 10),
             width_s=st.integers(2, 16), width_t=st.integers(2, 16), scale=st.floats(1e-2, 1e2))

@settings(max_examples=60, deadline=None)
@given(**cases)
def test_normalized_terms_ignore_the_student_scale(seed, batch, centroids, width_s, width_t, scale):
    f_s, f_t, m_s, m_t = features_and_memories(seed, batch, centroids, width_s, width_t)
    before = global_inter_feature_terms(f_s, f_t, m_s, m_t)
    after = global_inter_feature_terms(scale * f_s, f_t, scale * m_s, m_t)
    for k in before: assert torch.allclose(after[k], before[k], rtol=1e-6, atol=1e-9), k

@settings(max_examples=60, deadline=None)
@given(**cases)
def test_raw_distances_scale_quadratically(seed, batch, centroids, width_s, width_t, scale):
    f_s, f_t, m_s, m_t = features_and_memories(seed, batch, centroids, width_s, width_t)
    before = global_inter_feature_terms(f_s, f_t, m_s, m_t, distance='raw')['euclidean']
    after = global_inter_feature_terms(scale * f_s, scale * f_t, scale * m_s, scale * m_t, distance='raw')['euclidean']
    assert torch.allclose(after, scale ** 2 * before, rtol=1e-6, atol=1e-9)
