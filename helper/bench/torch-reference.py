"""PyTorch reference for `npm run bench -- --torch`: one iteration (loss + image gradient, VGG-19
to conv5_1) with the same weights, preprocessing and loss normalisation as the engine
(models/style-transfer/losses.ts), timed at the given sizes, the fastest of ITERS runs (at least
five). Also says which BLAS torch really calls (the shared library mapped into this process after
a matrix product) and its SGEMM speed, so the bench can refuse a reference-BLAS comparison.
Prints one JSON object: {"sizes": {"size": ms, ...}, "blas": path, "sgemmGflops": n}.
Usage: python3 torch-reference.py WEIGHTS_DIR MANIFEST SIZES ITERS"""
import json, os, sys, time
import numpy as np
import torch
import torch.nn.functional as F

weights_dir, manifest_path, sizes, iters = sys.argv[1], sys.argv[2], [int(s) for s in sys.argv[3].split(',')], int(sys.argv[4])
torch.set_num_threads(os.cpu_count() or 1)
manifest = json.load(open(manifest_path))
raw = b''.join(open(os.path.join(weights_dir, s['path']), 'rb').read() for s in manifest['shards'])
values = np.frombuffer(raw, dtype='<f2').astype(np.float32)
params, off = {}, 0
for spec in manifest['weights']:
    n = int(np.prod(spec['shape']))
    params[spec['name']] = values[off:off + n].reshape(spec['shape'])
    off += n
layers = [l for l in manifest['layers']][:13]  # conv1_1 .. conv5_1
convs = []
for l in layers:
    k = params[l['name'] + '/kernel']  # HWIO
    if l['name'] == 'conv1_1':
        k = k[:, :, ::-1, :]  # BGR weights fed RGB input, as the engine does
    convs.append((l['name'], torch.from_numpy(np.ascontiguousarray(k.transpose(3, 2, 0, 1))), torch.from_numpy(params[l['name'] + '/bias']), l['poolAfter']))
mean = torch.tensor([123.68, 116.779, 103.939]).view(1, 3, 1, 1)
style_layers = ['conv1_1', 'conv2_1', 'conv3_1', 'conv4_1', 'conv5_1']
lw = np.array([256, 64, 16, 4, 1], dtype=np.float64); lw /= lw.sum()

def features(x):
    out, h = {}, x * 255 - mean
    for name, k, b, pool in convs:
        h = F.relu(F.conv2d(h, k, b, padding=1))
        out[name] = h
        if pool and name != 'conv5_1':
            h = F.max_pool2d(h, 2)
    return out

def gram(f):
    c, hw = f.shape[1], f.shape[2] * f.shape[3]
    m = f.reshape(c, hw)
    return m @ m.t() / hw

def sgemm_gflops(n=1024, reps=5):
    a, b = torch.rand(n, n), torch.rand(n, n)
    a @ b
    best = min(timed(lambda: a @ b) for _ in range(reps))
    return 2 * n ** 3 / best / 1e9

def timed(f):
    t0 = time.perf_counter()
    f()
    return time.perf_counter() - t0

def mapped_blas():
    # Debian's torch links libblas.so.3 through the alternatives system: the file mapped is what runs.
    libs = set()
    with open('/proc/self/maps') as maps:
        for line in maps:
            path = line.split()[-1] if len(line.split()) >= 6 else ''
            base = os.path.basename(path)
            if 'blas' in base or 'mkl' in base:
                libs.add(os.path.realpath(path))
    return sorted(libs)

gflops = sgemm_gflops()
result = {}
for size in sizes:
    torch.manual_seed(0)
    content = torch.rand(1, 3, size, size)
    style = torch.rand(1, 3, size, size)
    with torch.no_grad():
        fc, fs = features(content), features(style)
        ct = fc['conv4_2'] if 'conv4_2' in fc else None
        grams = [gram(fs[l]) for l in style_layers]
    x = content.clone().requires_grad_(True)
    def step():
        x.grad = None
        f = features(x)
        loss = ((f['conv4_2'] - ct) ** 2).mean() / (ct ** 2).mean()
        for j, l in enumerate(style_layers):
            loss = loss + 50 * lw[j] * ((gram(f[l]) - grams[j]) ** 2).mean() / (grams[j] ** 2).mean()
        loss.backward()
    step()  # warm-up
    result[str(size)] = min(timed(step) for _ in range(max(5, iters))) * 1000
print(json.dumps({'sizes': result, 'blas': mapped_blas(), 'sgemmGflops': gflops}))
