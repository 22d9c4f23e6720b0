#!/usr/bin/env bash
# GPU checks in one short call (about 6 minutes on an H100/H200), from the repository root:
#   1. LSTMClassifier fit/predict against the raw loop: 200,000 x 50 x 8, hidden 128,
#      batch 256 and 1024 (target: fit <= 1.15x the raw loop);
#   2. the other estimators against their raw loops on the GPU;
#   3. fit, predict, save and load of every estimator on the GPU, and loading on the CPU.
# If the machine lacks skorch or safetensors, put their wheels in ./wheels first
# (pip download skorch safetensors -d wheels).
set -u
if ! python -c "import skorch, safetensors" 2>/dev/null; then
    pip install -q --no-index --find-links wheels skorch safetensors
fi
pip install -q --no-deps -e . >/dev/null 2>&1 || export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv
status=0
for batch in 256 1024; do
    python benchmarks/bench_fit.py --device cuda --workloads fixed --n-samples 200000 \
        --hidden-size 128 --batch-size "$batch" --epochs 2 --repeats 3 || status=1
done
python benchmarks/bench_estimators.py --device cuda --n-samples 200000 --epochs 1 \
    --repeats 2 || status=1
python benchmarks/gpu_roundtrip.py || status=1
exit $status
