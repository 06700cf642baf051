"""The numerics on an accelerator: CKA, every method's loss and the padding equivalence on `$FSD_TEST_DEVICE` (default
cpu) in float32, bfloat16 and float16 (`$FSD_TEST_DTYPES`, default all three on CUDA, float32 and bfloat16 on a CPU),
each against float64 on the CPU. `tests/gpu_check.sh` runs it on a GPU."""
import os
import pytest
import torch
from fsd_nb.cka import linear_cka
from fsd_nb.config import METHODS, DistillationConfig
from test_padding import CASES, loss_and_gradients, setting  # noqa: F401 (setting: the tiny models' fixture)

DEVICE = torch.device(os.environ.get('FSD_TEST_DEVICE', 'cpu'))
DEFAULT_DTYPES = 'float32,bfloat16,float16' if DEVICE.type == 'cuda' else 'float32,bfloat16'
DTYPES = [getattr(torch, d) for d in os.environ.get('FSD_TEST_DTYPES', DEFAULT_DTYPES).split(',')]
# the largest relative error of each precision against float64, for a CKA and for a loss under autocast
TOLERANCE = {torch.float32: 1e-4, torch.bfloat16: 5e-2, torch.float16: 1e-2}
pytestmark = pytest.mark.skipif(DEVICE.type == 'cuda' and not torch.cuda.is_available(), reason="no CUDA device")


@pytest.mark.parametrize('dtype', DTYPES, ids=str)
@pytest.mark.parametrize('unbiased', [False, True])
def test_cka_on_the_device_matches_float64(dtype, unbiased):
    generator = torch.Generator().manual_seed(0)
    x = torch.randn(32, 384, generator=generator, dtype=torch.float64)
    y = x @ torch.randn(384, 768, generator=generator, dtype=torch.float64) + torch.randn(32, 768, generator=generator, dtype=torch.float64)
    reference = linear_cka(x, y, unbiased=unbiased)
    value = linear_cka(x.to(DEVICE, dtype), y.to(DEVICE, dtype), unbiased=unbiased)
    assert value.dtype == torch.float32 and torch.isfinite(value), value  # CKA is computed in float32 at least
    assert abs(value.item() - reference.item()) <= TOLERANCE[dtype] * abs(reference.item()), (value, reference)


def _on_device(setting):
    "The padding tests' tiny teacher, student, memories and cache, with the models on the device."
    return dict(setting, teacher=setting['teacher'].to(DEVICE), student=setting['student'].to(DEVICE))


@pytest.mark.parametrize('dtype', DTYPES, ids=str)
@pytest.mark.parametrize('method', list(METHODS))
def test_every_loss_under_autocast_is_finite_and_close_to_float64(setting, dtype, method):
    config = DistillationConfig(method=method, gamma_m=0.3, beta=2.)
    rows = setting['batches'][0]
    reference, _, _ = loss_and_gradients(setting, config, rows, 'dynamic', dtype=torch.float64)
    on_device = _on_device(setting)
    with torch.autocast(DEVICE.type, dtype=dtype, enabled=dtype != torch.float32):
        loss, terms, gradients = loss_and_gradients(on_device, config, rows, 'dynamic', device=DEVICE)
    assert torch.isfinite(loss) and all(torch.isfinite(v) for v in terms.values()) and torch.isfinite(gradients).all(), terms
    assert abs(loss.item() - reference.item()) <= 2 * TOLERANCE[dtype] * max(1., abs(reference.item())), (loss, reference)


@pytest.mark.parametrize('case', CASES, ids=lambda c: '-'.join(str(v) for v in c.values()))
def test_dynamic_padding_changes_nothing_on_the_device(setting, case):
    "float32 on the device: the two paddings give the same loss and gradients, as on the CPU."
    if DEVICE.type == 'cpu': pytest.skip("on a CPU, tests/test_padding.py checks this (in float64 and float32)")
    config = DistillationConfig(**case, gamma_m=0.3, beta=2.)
    on_device = _on_device(setting)
    for rows in setting['batches']:
        (loss_a, _, grad_a), (loss_b, _, grad_b) = (loss_and_gradients(on_device, config, rows, p, device=DEVICE)
                                                  for p in ('dynamic', 'max_length'))
        assert torch.allclose(loss_a, loss_b, rtol=1e-4, atol=1e-6), (case, loss_a, loss_b)
        assert (grad_a - grad_b).norm() <= 1e-3 * grad_b.norm(), (case, (grad_a - grad_b).norm(), grad_b.norm())
