"""Every model family of `fsd_nb.families.FAMILIES`, as tiny random models built from configs (no download): a student
holds exactly its backbone's chosen layers; every method runs a training step with finite losses and gradients; MiniLM's
attention (recomputed from projections, or the model's own where it cannot be) is the family's own eager attention;
dynamic and max-length padding give the same losses and gradients for fsd and minilm."""
import pytest
import torch
from transformers import AutoModel, AutoModelForSequenceClassification
from fsd_nb.data import glue_collator
from fsd_nb.families import FAMILIES, model_family
from fsd_nb.memory import StudentMemory, build_teacher_memory
from fsd_nb.models import load_tokenizer, make_student, make_teacher, make_tiny_backbone, run_model
from fsd_nb.config import METHODS, DistillationConfig
from fsd_nb.train import DistillationLoss

MAX_LENGTH = 20
TEXTS = [("a", None), ("the cat sat on the mat and looked at the dog for a long while", "it was tired of waiting"),
         ("a dog barked", "loudly at night"), ("one two three four five", None), ("rain", "again and again")]

@pytest.fixture(scope='module', params=list(FAMILIES))
def family(request, tmp_path_factory):
    model_type = request.param
    backbone = make_tiny_backbone(tmp_path_factory.mktemp(model_type), family=model_type)
    tokenizer = load_tokenizer(backbone)
    rows = [dict(tokenizer(a, b, truncation=True, max_length=MAX_LENGTH), labels=i % 2) for i, (a, b) in enumerate(TEXTS)]
    torch.manual_seed(0)
    teacher = make_teacher('rte', backbone).eval()
    init = 'first' if FAMILIES[model_type].first_layer_differs else 'spread'
    student = make_student(make_tiny_backbone(tmp_path_factory.mktemp(model_type + '-student'), family=model_type, seed=1), 2, 'rte', init).eval()
    memory = build_teacher_memory(teacher, [glue_collator(tokenizer, 'max_length', MAX_LENGTH)(rows)], 2, epochs=1,
                                  mask_padding=True, progress=False)
    return dict(model_type=model_type, backbone=backbone, tokenizer=tokenizer, rows=rows, teacher=teacher, student=student, memory=memory)

def step(f, method, padding='dynamic'):
    "The loss, terms and student gradient of one batch."
    config = DistillationConfig(method=method, teacher_cache=False)
    student, memory = f['student'], f['memory'] if config.uses('g') else None
    if hasattr(student, 'fsd_student_memory'): del student.fsd_student_memory
    if memory is not None:
        torch.manual_seed(1)
        student.fsd_student_memory = StudentMemory.matching(memory, student.config.hidden_size, init_std=0.1)
    batch = glue_collator(f['tokenizer'], padding, MAX_LENGTH)(f['rows'])
    loss, terms, _ = DistillationLoss(config, f['teacher'], memory, None)(student, batch)
    parameters = [p for p in student.parameters() if p.requires_grad]
    grads = torch.autograd.grad(loss, parameters, allow_unused=True)
    return loss.detach(), terms, torch.cat([(g if g is not None else torch.zeros_like(p)).flatten() for g, p in zip(grads, parameters)])

def test_student_holds_its_backbones_chosen_layers(family):
    backbone = AutoModel.from_pretrained(family['backbone']).state_dict()
    shared, fixed_first = FAMILIES[family['model_type']].shared_layers, FAMILIES[family['model_type']].first_layer_differs
    if fixed_first:
        with pytest.raises(ValueError, match="student_init='first'"): make_student(family['backbone'], 2, 'rte', init='spread')
    student = make_student(family['backbone'], 2, 'rte', init='first' if fixed_first else 'spread').base_model.state_dict()
    layer_of = {0: 1, 1: 2} if fixed_first else {0: 2, 1: 4}  # spread: layers 2 and 4 of 4
    for name, value in student.items():
        if 'pooler' in name or name.startswith('classifier'): continue
        source = name
        if not shared:
            for student_layer, backbone_layer in layer_of.items():
                for prefix in ('layer.', 'layers.'):
                    if f"{prefix}{student_layer}." in name:
                        source = name.replace(f"{prefix}{student_layer}.", f"{prefix}{backbone_layer - 1}.")
                        break
                if source != name: break
        assert torch.equal(value, backbone[source]), name

@pytest.mark.parametrize('method', list(METHODS))
def test_every_method_trains_on_every_family(family, method):
    loss, terms, gradient = step(family, method)
    assert torch.isfinite(loss) and all(torch.isfinite(v).all() for v in terms.values()) and torch.isfinite(gradient).all()
    assert gradient.abs().sum() > 0

def test_minilm_attention_is_the_familys_own(family):
    "From a model loaded as transformers loads it by default (sdpa where the family has it), against eager attention's own."
    default = AutoModelForSequenceClassification.from_pretrained(family['backbone']).eval()
    eager = AutoModelForSequenceClassification.from_pretrained(family['backbone'], attn_implementation='eager').eval()
    batch = glue_collator(family['tokenizer'], 'dynamic', MAX_LENGTH)([{k: v for k, v in r.items() if k != 'labels'} for r in family['rows']])
    with torch.no_grad():
        ours = run_model(default, batch, attention=True)
        inputs = {k: v for k, v in batch.items() if k != 'token_type_ids' or model_family(eager.config).token_type_ids}
        theirs = eager(**inputs, output_attentions=True).attentions[-1]
    recomputed = FAMILIES[family['model_type']].attention_differs is None
    assert (ours.qkv is not None) == recomputed  # projections (for the teacher cache) only where they give the attention
    ours = ours.attention
    mask = batch['attention_mask'].bool()[:, None, :, None] & batch['attention_mask'].bool()[:, None, None, :]
    torch.testing.assert_close(ours[mask.expand_as(ours)], theirs[mask.expand_as(theirs)], rtol=1e-5, atol=1e-6)

@pytest.mark.parametrize('method', ['fsd', 'minilm'])
def test_dynamic_padding_changes_nothing_on_every_family(family, method):
    (a, ta, ga), (b, tb, gb) = step(family, method, 'dynamic'), step(family, method, 'max_length')
    torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-6)
    torch.testing.assert_close(ga, gb, rtol=1e-3, atol=1e-6)

def test_minilm_on_deberta_reads_the_teachers_own_attention_and_says_so(tmp_path, capsys):
    from fsd_nb.train import distill
    backbone = make_tiny_backbone(tmp_path / 'deberta', family='deberta-v2')
    record = distill('rte', DistillationConfig(method='minilm', batch_size=8, max_length=24), seed=1, backbone=backbone,
                     teacher='finetune', out_dir=tmp_path / 'runs', max_steps=2, teacher_max_steps=2, train_samples=16, eval_samples=8)
    said = capsys.readouterr().out
    assert "MiniLM reads the teacher's (deberta-v2) attention probabilities as the model computes them" in said, said
    assert "the teacher runs on every batch instead of being read from the cache" in said
    assert all(v == v for v in record['dev'].values())
    assert not list((tmp_path / 'runs').rglob('*qkv*'))  # no projections cached that could not give the attention

@pytest.fixture(scope='module')
def widths(tmp_path_factory):
    "A tiny BERT teacher backbone of width 48, and student backbones of width 32: a BERT, a RoBERTa, one with another tokenizer."
    folder = tmp_path_factory.mktemp('widths')
    teacher = make_tiny_backbone(folder / 'teacher', hidden_size=48, num_layers=4)
    narrow = make_tiny_backbone(folder / 'narrow', hidden_size=32, num_layers=3, seed=2)
    roberta = make_tiny_backbone(folder / 'roberta', hidden_size=32, num_layers=2, family='roberta', seed=3)
    from transformers import BertTokenizerFast
    other = make_tiny_backbone(folder / 'other-vocab', hidden_size=32, num_layers=2, seed=4)
    (folder / 'vocab.txt').write_text('\n'.join(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]', 'the', 'a', 'cat', 'dog']))
    BertTokenizerFast(vocab_file=str(folder / 'vocab.txt')).save_pretrained(other)
    return dict(folder=folder, teacher=teacher, narrow=narrow, roberta=roberta, other=other)

RUN = dict(max_steps=2, teacher_max_steps=2, train_samples=16, eval_samples=8, teacher='finetune')

@pytest.mark.parametrize('student', ['narrow', 'roberta'])
def test_a_student_of_another_width_and_family_trains_with_fsd(widths, student):
    from fsd_nb.train import distill
    record = distill('rte', DistillationConfig(method='fsd', batch_size=8, max_length=24, n_centroids=3), seed=1,
                     backbone=widths['teacher'], student_backbone=widths[student], out_dir=widths['folder'] / 'runs', **RUN)
    config = AutoModel.from_pretrained(widths['folder'] / 'runs' / record['model_dir']).config
    assert config.hidden_size == 32 and config.model_type == ('roberta' if student == 'roberta' else 'bert')
    assert record['hyperparameters']['student_layers'] == config.num_hidden_layers and all(v == v for v in record['dev'].values())

@pytest.mark.parametrize('method, student, message', [
    ('pkd', 'narrow', "it needs equal widths, got teacher 48 and student 32"),
    ('fsd_i', 'other', "tokenizes texts otherwise than the teacher's backbone"),
    ('vkd', 'other', "tokenizes texts otherwise than the teacher's backbone")])
def test_what_cannot_cross_widths_or_vocabularies_is_refused_before_anything_is_written(widths, tmp_path, method, student, message):
    from fsd_nb.train import distill
    with pytest.raises(ValueError, match=message):
        distill('rte', DistillationConfig(method=method), backbone=widths['teacher'], student_backbone=widths[student],
                out_dir=tmp_path / 'runs', **RUN)
    assert not (tmp_path / 'runs').exists()

def test_the_teacher_cache_gives_each_familys_own_outputs(family, tmp_path):
    "What a run reads from the teacher cache equals the teacher run on the batch: logits, states, and MiniLM's attention where cached."
    from datasets import Dataset
    from fsd_nb.teacher_cache import TeacherCache, teacher_outputs, with_cache_index
    from fsd_nb.families import attention_recomputable
    recomputable = attention_recomputable(family['teacher'].config)
    dataset = with_cache_index(Dataset.from_list(family['rows']))
    kinds = ['logits', 'penultimate', 'cls', *(['qkv'] if recomputable else [])]
    cache = TeacherCache.open(family['teacher'], dataset, tmp_path, kinds, progress=False, log=lambda message: None)
    batch = glue_collator(family['tokenizer'], 'dynamic', MAX_LENGTH)([dataset[i] for i in range(len(dataset))])
    with torch.no_grad():
        cached, direct = teacher_outputs(cache, batch, recomputable), teacher_outputs(family['teacher'], batch, recomputable)
    mask = batch['attention_mask'].bool()
    torch.testing.assert_close(cached.logits, direct.logits, rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(cached.penultimate[mask], direct.penultimate[mask], rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(cached.cls_states(range(5)), direct.cls_states(range(5)), rtol=1e-5, atol=1e-6)
    if recomputable:
        keys = mask[:, None, :, None] & mask[:, None, None, :]
        torch.testing.assert_close(cached.attention[keys.expand_as(cached.attention)], direct.attention[keys.expand_as(direct.attention)], rtol=1e-5, atol=1e-6)
        torch.testing.assert_close(cached.values.transpose(1, 2)[mask], direct.values.transpose(1, 2)[mask], rtol=1e-5, atol=1e-6)
