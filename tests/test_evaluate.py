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
