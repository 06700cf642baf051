"""Masked padding is pure speed: every method gives the same loss and gradients under dynamic and max-length padding,
and with the teacher cache as without it (dropout off, so the comparison is exact up to float rounding)."""
import itertools
import pytest
import torch
from datasets import Dataset
from fsd_nb.data import glue_collator
from fsd_nb.memory import StudentMemory, TeacherMemory, build_teacher_memory
from fsd_nb.models import load_tokenizer, make_student, make_teacher, make_tiny_backbone
from fsd_nb.teacher_cache import TeacherCache, with_cache_index
from fsd_nb.config import METHODS, DistillationConfig
from fsd_nb.train import DistillationLoss, teacher_cache_kinds

MAX_LENGTH = 24
TEXTS = [("a", None),                                                         # 3 tokens: [CLS] a [SEP]
         ("the cat sat on the mat and looked at the dog for a long while " * 3, "it was tired of waiting"),  # fills max_length
         ("a dog barked", "loudly at night"), ("one two three four five", None), ("rain", "again and again"),
         ("short sentence here", "and a second one"), ("birds sing", None)]


@pytest.fixture(scope='module')
def setting(tmp_path_factory):
    tiny = make_tiny_backbone(tmp_path_factory.mktemp('tiny'))
    tokenizer = load_tokenizer(tiny)
    rows = [dict(tokenizer(a, b, truncation=True, max_length=MAX_LENGTH), labels=i % 2) for i, (a, b) in enumerate(TEXTS)]
    lengths = [len(r['input_ids']) for r in rows]
    assert lengths[0] == 3 and lengths[1] == MAX_LENGTH and max(lengths[2:]) < MAX_LENGTH
    dataset = with_cache_index(Dataset.from_list(rows))
    # A student of its own random backbone, as at the start of training. A copy of the teacher's layers would put
    # CKA within 1e-4 of 1, where -log CKA ~ 1 - CKA is a difference of nearly equal numbers: the unbiased estimator on
    # a few tokens then turns the 1e-7 float differences between padded lengths into percent-level relative errors.
    student_backbone = make_tiny_backbone(tmp_path_factory.mktemp('tiny-student'), seed=1)
    torch.manual_seed(0)
    teacher, student = make_teacher('rte', tiny).eval(), make_student(student_backbone, 2, 'rte').eval()  # eval: dropout off
    cache = TeacherCache.open(teacher, dataset, tmp_path_factory.mktemp('cache'), ['logits', 'penultimate', 'cls', 'qkv'],
                              progress=False, log=lambda message: None)
    # batches: one with a full-length and a 3-token example, one whose longest example is shorter than max_length
    batches = [[dataset[i] for i in (0, 1, 2, 3, 4)], [dataset[i] for i in (0, 2, 3, 4, 5, 6)]]
    memories = {feature: build_teacher_memory(teacher, [glue_collator(tokenizer, 'max_length', MAX_LENGTH)(b) for b in batches],
                                              3, epochs=2, feature=feature, mask_padding=True, progress=False)
                for feature in ('flatten', 'pooled')}
    return dict(tokenizer=tokenizer, teacher=teacher, student=student, cache=cache, batches=batches, memories=memories)


def loss_and_gradients(s, config, rows, padding, use_cache=False, dtype=torch.float32, device='cpu'):
    "Loss, terms and the gradient of every student parameter (student memory included) for one batch."
    batch = {k: v.to(device) for k, v in glue_collator(s['tokenizer'], padding, MAX_LENGTH)(rows).items()}
    student, teacher = s['student'].to(device, dtype), s['teacher'].to(device, dtype)
    memory = s['memories'][config.global_feature] if config.uses('g') else None
    if hasattr(student, 'fsd_student_memory'): del student.fsd_student_memory
    if memory is not None:
        memory = TeacherMemory(memory.centroids.to(device, dtype), memory.metadata)
        torch.manual_seed(1)
        student.fsd_student_memory = StudentMemory.matching(memory, student.config.hidden_size, init_std=0.1).to(device, dtype)
    loss_fn = DistillationLoss(config, teacher, memory, s['cache'] if use_cache else None)
    loss, terms, _ = loss_fn(student, batch)
    parameters = [p for p in student.parameters() if p.requires_grad]
    gradients = torch.autograd.grad(loss, parameters, allow_unused=True)
    flat = torch.cat([(g if g is not None else torch.zeros_like(p)).flatten() for g, p in zip(gradients, parameters)])
    return loss.detach(), {k: v.detach() for k, v in terms.items()}, flat


def assert_same(a, b, what, rtol=1e-5, gradient_rtol=1e-5):
    "Every term and the loss to `rtol` relative, the gradient vector to `gradient_rtol` relative (in norm)."
    (loss_a, terms_a, grad_a), (loss_b, terms_b, grad_b) = a, b
    assert terms_a.keys() == terms_b.keys()
    for name in terms_a:
        assert torch.allclose(terms_a[name], terms_b[name], rtol=rtol, atol=rtol * 1e-2), (what, name, terms_a[name], terms_b[name])
    assert torch.allclose(loss_a, loss_b, rtol=rtol, atol=rtol * 1e-2), (what, loss_a, loss_b)
    assert (grad_a - grad_b).norm() <= gradient_rtol * grad_b.norm(), (what, (grad_a - grad_b).norm(), grad_b.norm())


# For every loss, the unbiased ones included: the unbiased CKA accumulates in float64 and its loss, 1 - CKA, does not
# amplify float32 rounding (with -log|CKA| of a near-zero unbiased CKA this needed 1e-4).
FLOAT32_GRADIENT_RTOL = 1e-5


CASES = [dict(method=m) for m in METHODS] + [
    dict(method=m, unbiased=True) for m in ('fsd_i', 'fsd_l', 'fsd_il', 'fsd')] + [
    dict(method=m, global_feature=f, global_distance=d) for m in ('fsd_g', 'fsd')
    for f, d in itertools.product(('flatten', 'pooled'), ('normalized', 'raw'))] + [
    dict(method='fsd', unbiased=True, global_feature='pooled', global_distance='raw')]


@pytest.mark.parametrize('case', CASES, ids=lambda c: '-'.join(str(v) for v in c.values()))
def test_dynamic_padding_changes_nothing(setting, case):
    config = DistillationConfig(**case, gamma_m=0.3, beta=2.)
    for rows in setting['batches']:
        # float64: the two paddings compute the same numbers (measured: 3e-14 apart); float32 adds its rounding
        assert_same(*(loss_and_gradients(setting, config, rows, p, dtype=torch.float64) for p in ('dynamic', 'max_length')),
                    (case, 'float64'), rtol=1e-9, gradient_rtol=1e-9)
        assert_same(*(loss_and_gradients(setting, config, rows, p) for p in ('dynamic', 'max_length')),
                    case, gradient_rtol=FLOAT32_GRADIENT_RTOL)


@pytest.mark.parametrize('case', CASES, ids=lambda c: '-'.join(str(v) for v in c.values()))
def test_teacher_cache_changes_nothing(setting, case):
    config = DistillationConfig(**case, gamma_m=0.3, beta=2.)
    if not teacher_cache_kinds(config): pytest.skip("this method reads nothing from the teacher")
    for rows, padding in itertools.product(setting['batches'], ('dynamic', 'max_length')):
        assert_same(loss_and_gradients(setting, config, rows, padding, use_cache=True),
                    loss_and_gradients(setting, config, rows, padding), (case, padding),
                    gradient_rtol=FLOAT32_GRADIENT_RTOL)


def test_without_mask_padding_changes_the_losses(setting):
    "The test above can fail: without the mask, the padding positions enter the structures."
    config = DistillationConfig(method='fsd_il', mask_padding=False)
    rows = setting['batches'][1]
    dynamic, fixed = (loss_and_gradients(setting, config, rows, p) for p in ('dynamic', 'max_length'))
    assert not torch.allclose(dynamic[1]['intra'], fixed[1]['intra'], rtol=1e-2)
