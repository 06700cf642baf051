"Teacher memory: no hard-coded device, and the streaming build equals an in-memory fit on the same stream."
import inspect, torch
import fsd_nb.memory as memory_module
from fsd_nb.memory import StreamingKMeans

def test_no_hard_coded_device():
    source = inspect.getsource(memory_module)
    assert "cuda" not in source and "device='cpu'" not in source and 'device="cpu"' not in source

def test_lloyd_pass_equals_one_full_batch_lloyd_iteration():
    torch.manual_seed(0)
    x = torch.randn(500, 6)
    kmeans = StreamingKMeans(5, seed=1).partial_fit(x)
    start = kmeans.centroids.clone()
    kmeans.lloyd_pass(x.split(37))
    labels = torch.cdist(x, start).argmin(1)
    expected = torch.stack([x[labels == c].mean(0) for c in range(5)])
    assert torch.allclose(kmeans.centroids, expected, atol=1e-5)

def test_float64_and_half_inputs_cluster_in_float32():
    kmeans = StreamingKMeans(3, seed=0).fit(lambda e: [torch.randn(64, 4, dtype=torch.float64).half()], epochs=2)
    assert kmeans.centroids.dtype == torch.float32 and torch.isfinite(kmeans.centroids).all()
