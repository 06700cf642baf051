"""One process, or each process of a torchrun launch: distil a tiny teacher into a student with each of the given
methods (dropout off, 4 steps of a global batch of 8) into OUT_DIR, and print each run's record as one JSON line.
Usage: ddp_runs_worker.py BACKBONE TEACHER_DIR GLUE_DIR OUT_DIR METHOD[,METHOD...]"""
import json, sys
from fsd_nb.config import DistillationConfig
from fsd_nb.records import _is_first_process
from fsd_nb.train import distill

backbone, teacher, glue, out, methods = sys.argv[1:]
for method in methods.split(','):
    config = DistillationConfig(method=method, batch_size=8, max_length=32, n_centroids=4, memory_epochs=1, learning_rate=1e-3,
                                **(dict(beta=1.0) if method != 'vkd' else {}))
    record = distill('rte', config, seed=1, teacher=teacher, backbone=backbone, data_dir=glue, out_dir=out, max_steps=4,
                     train_samples=32, eval_samples=16)
    if _is_first_process(): print('RECORD ' + json.dumps(dict(method=method, dev=record['dev'], model_dir=record['model_dir'],
                                                              processes=record['processes'], steps=record['steps'])), flush=True)
