"""Run by tests/test_ddp.py under `torchrun --nproc_per_node 2` (gloo, CPU): the distillation loss under DDP gives the
single-process loss of the local structure and the single-process gradients on the global batch."""
import sys
import torch, torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel
from fsd_nb.models import load_teacher, make_student
from fsd_nb.config import DistillationConfig
from fsd_nb.train import DistillationLoss

backbone, teacher_dir, mask_padding = sys.argv[1], sys.argv[2], sys.argv[3] == 'masked'
teacher = load_teacher(teacher_dir, 'rte')
generator = torch.Generator().manual_seed(0)
lengths = torch.tensor([12, 5, 9, 12, 7, 12, 4, 10])
ids = torch.randint(1000, 20000, (8, 12), generator=generator)
mask = (torch.arange(12)[None] < lengths[:, None]).long()
batch = dict(input_ids=ids * mask, attention_mask=mask, token_type_ids=torch.zeros_like(ids), labels=torch.tensor([0, 1] * 4))
config = DistillationConfig(method='fsd_il', gamma_i=0.7, gamma_l=1.3, beta=2., mask_padding=mask_padding, unbiased=True)

def student():
    torch.manual_seed(0)
    return make_student(backbone, 2, 'rte').eval()  # eval: no dropout, so both runs see the same function

def local_share(b, rank):
    part = {k: v[4 * rank: 4 * rank + 4] for k, v in b.items()}
    if mask_padding:  # each process pads to its own longest sample: different lengths per process
        width = int(part['attention_mask'].sum(1).max())
        part = {k: v[:, :width] if v.ndim == 2 else v for k, v in part.items()}
    return part

reference_model = student()
reference_loss, reference_terms, _ = DistillationLoss(config, teacher)(reference_model, batch)
reference_loss.backward()

dist.init_process_group('gloo')
rank = dist.get_rank()
model = DistributedDataParallel(student())
loss, terms, _ = DistillationLoss(config, teacher)(model, local_share(batch, rank))
loss.backward()
assert torch.allclose(terms['local'], reference_terms['local'], atol=1e-5), (terms['local'], reference_terms['local'])
for (name, p), q in zip(model.module.named_parameters(), reference_model.parameters()):
    if q.grad is None: assert p.grad is None or p.grad.abs().max() == 0, name; continue
    assert torch.allclose(p.grad, q.grad, atol=1e-5, rtol=1e-4), (name, (p.grad - q.grad).abs().max())
print(f"rank {rank}: local {terms['local'].item():.6f} = single-process {reference_terms['local'].item():.6f}; gradients equal")
dist.destroy_process_group()
