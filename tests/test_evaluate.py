"The evaluation plots work from the installed package (not only inside the notebook, which imports matplotlib itself)."
import matplotlib
matplotlib.use('Agg')
import torch
from fsd_nb.evaluate import RD_KINDS, plot_cka_heatmap, plot_relation_differences

def test_plots_from_the_package():
    ax = plot_cka_heatmap(torch.rand(3, 3), title='t')
    assert ax.get_title() == 't' and ax.get_xlabel() == 'model mini-batch'
    history = [dict(step=s, **{f'rd_{a}_{b}': float(s) for a, b in RD_KINDS}) for s in (1, 2)]
    axes = plot_relation_differences(history, label='fsd')
    assert len(axes) == 4 and list(axes[0].lines[0].get_xdata()) == [1, 2]


def test_run_labels_keep_presets_apart_but_not_the_teacher_cache():
    "A run of the paper preset is a variant of its own; reading the teacher from its cache (speed only) is not."
    from fsd_nb.report import run_labels
    from fsd_nb.config import DistillationConfig
    from dataclasses import asdict
    def record(config, seed):
        return dict(task='RTE', method=config.method, seed=seed, dev={'accuracy': 50.},
                    hyperparameters=dict(asdict(config), seed=seed))
    records = [record(DistillationConfig(), 1), record(DistillationConfig(teacher_cache=False), 2),
               record(DistillationConfig.from_preset('paper'), 1)]
    labels = run_labels(records)
    assert labels[0] == labels[1] and labels[0] != labels[2], labels
    # the preset is named, not the dozen settings it sets (padding, alpha, ...), nor the teacher cache
    assert labels[2].endswith(' (preset=paper)') and labels[0].endswith(' (preset=None)'), labels
