"""GridSearchCV on a local Dask cluster of worker processes, through joblib's Dask backend.

Most of the time goes into starting the workers: each imports torch.
"""

import numpy as np
import pytest
from joblib import parallel_backend
from sklearn.model_selection import GridSearchCV

from sklearn_rnn import LSTMClassifier

distributed = pytest.importorskip("distributed")


def _torch_threads():
    import torch

    return torch.get_num_threads()


def _search(n_jobs):
    rng = np.random.RandomState(0)
    X = [rng.normal(size=(rng.randint(4, 12), 2)).astype(np.float32) for _ in range(48)]
    y = np.array([int(x[:, 0].sum() > 0) for x in X])
    search = GridSearchCV(
        LSTMClassifier(
            hidden_size=4, max_iter=5, batch_size=16, learning_rate_init=2e-2, random_state=0
        ),
        {"cell": ["lstm", "gru"]},
        cv=2,
        n_jobs=n_jobs,
    )
    return search.fit(X, y), X


def test_grid_search_on_dask_equals_local_search():
    local, X = _search(n_jobs=1)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        # Dask starts each worker process with OMP_NUM_THREADS=1: one torch thread each.
        assert set(client.run(_torch_threads).values()) == {1}
        with parallel_backend("dask"):
            remote, _ = _search(n_jobs=-1)
        # the fits really ran on the workers
        assert any(client.run(lambda dask_worker: dask_worker.state.executed_count).values())
    for key in ("split0_test_score", "split1_test_score", "mean_test_score", "rank_test_score"):
        np.testing.assert_array_equal(remote.cv_results_[key], local.cv_results_[key])
    assert remote.cv_results_["params"] == local.cv_results_["params"]
    assert remote.best_params_ == local.best_params_
    np.testing.assert_array_equal(
        remote.best_estimator_.predict_proba(X), local.best_estimator_.predict_proba(X)
    )
