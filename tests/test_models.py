"The packaged MiniLM backbone as teacher and student on real GLUE rows."
import os
from pathlib import Path
import pytest, torch
from transformers import AutoModel
from fsd_nb.data import glue_collator, load_glue, tokenize_task
from fsd_nb.models import default_backbone, load_tokenizer, make_student, make_teacher, run_model, student_layer_indices

SHARED_GLUE = Path(__file__).resolve().parents[2] / 'shared' / 'glue'  # the development checkout's real GLUE
GLUE = Path(os.environ.get('FSD_GLUE_DIR') or (SHARED_GLUE if SHARED_GLUE.is_dir() else Path(__file__).parent / 'glue_fixture'))

@pytest.mark.skipif(not (GLUE / 'RTE').is_dir(), reason=f"GLUE files not found at {GLUE}")
def test_minilm_teacher_and_three_layer_student_on_rte():
    tokenizer = load_tokenizer()
    rows = tokenize_task(load_glue('rte', GLUE, splits=['validation'])['validation'].select(range(4)), tokenizer, 'rte')
    batch = glue_collator(tokenizer, 'max_length')([{k: r[k] for k in r if k != 'idx'} for r in rows])
    teacher, student = make_teacher('rte').eval(), make_student(default_backbone(), 3, 'rte').eval()
    kept = student_layer_indices(6, 3)  # layers 2, 4 and 6 of the packaged MiniLM-L6
    backbone = AutoModel.from_pretrained(default_backbone()).state_dict()
    for name, value in student.base_model.state_dict().items():
        if name.startswith('encoder.layer.'):
            number, rest = name[len('encoder.layer.'):].split('.', 1)
            name = f"encoder.layer.{kept[int(number)] - 1}.{rest}"
        assert torch.equal(value, backbone[name]), name
    t, s = run_model(teacher, batch, attention=True), run_model(student, batch, attention=True)
    assert len(t.hidden_states) == 7 and len(s.hidden_states) == 4
    assert t.penultimate.shape == s.penultimate.shape == (4, 128, 384)
    assert t.attention.shape == (4, 12, 128, 128) and s.values.shape == (4, 12, 128, 32)
    assert torch.equal(s.hidden_states[0], t.hidden_states[0])  # same embeddings, same input
    first = run_model(make_student(default_backbone(), 3, 'rte', 'first').eval(), batch)
    assert torch.equal(first.hidden_states[1], t.hidden_states[1])  # the paper's student: the same first layer
    assert t.loss is not None and torch.isfinite(t.loss)
