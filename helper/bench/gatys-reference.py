"""Reference Gatys run for the quality judge (`npm run judge -- --bench --reference`): the classic
objective of jcjohnson/neural-style (neural_style.lua defaults: content relu4_2 weight 5, style
relu1_1..relu5_1 weight 100 with equal layer weights, Grams divided by C*H*W, MSE losses, TV 1e-3,
max pooling, zero padding) optimised by L-BFGS (history 100, no line search, as optim.lbfgs there)
for STEPS iterations, started from the content, with the same VGG-19 weights and caffe
preprocessing as the engine. Images travel as raw float32 RGB 0..1 [H, W, 3] files.
Usage: python3 gatys-reference.py WEIGHTS_DIR MANIFEST CONTENT.f32 H W STYLE.f32 h w OUT.f32 STEPS"""
import json, os, sys
import numpy as np
import torch
import torch.nn.functional as F

weights_dir, manifest_path = sys.argv[1], sys.argv[2]
content_path, H, W = sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
style_path, h, w = sys.argv[6], int(sys.argv[7]), int(sys.argv[8])
out_path, steps = sys.argv[9], int(sys.argv[10])
torch.set_num_threads(os.cpu_count() or 1)
torch.manual_seed(0)
manifest = json.load(open(manifest_path))
raw = b''.join(open(os.path.join(weights_dir, s['path']), 'rb').read() for s in manifest['shards'])
values = np.frombuffer(raw, dtype='<f2').astype(np.float32)
params, off = {}, 0
for spec in manifest['weights']:
    n = int(np.prod(spec['shape']))
    params[spec['name']] = values[off:off + n].reshape(spec['shape'])
    off += n
convs = []
for l in manifest['layers'][:13]:  # conv1_1 .. conv5_1
    k = params[l['name'] + '/kernel']  # HWIO, BGR input channels
    if l['name'] == 'conv1_1':
        k = k[:, :, ::-1, :]
    convs.append((l['name'], torch.from_numpy(np.ascontiguousarray(k.transpose(3, 2, 0, 1))), torch.from_numpy(params[l['name'] + '/bias']), l['poolAfter']))
mean = torch.tensor([123.68, 116.779, 103.939]).view(1, 3, 1, 1)
STYLE = ['conv1_1', 'conv2_1', 'conv3_1', 'conv4_1', 'conv5_1']

def load(path, hh, ww):
    a = np.fromfile(path, dtype='<f4').reshape(hh, ww, 3)
    return torch.from_numpy(np.ascontiguousarray(a.transpose(2, 0, 1)))[None]

def features(px):
    """px: the image in 0..255 (jcjohnson optimises the preprocessed 0..255 image, so L-BFGS's
    steps are in those units too)."""
    out, f = {}, px - mean
    for name, k, b, pool in convs:
        f = F.relu(F.conv2d(f, k, b, padding=1))
        out[name] = f
        if pool and name != 'conv5_1':
            f = F.max_pool2d(f, 2)
    return out

def gram(f):
    c = f.shape[1]
    m = f.reshape(c, -1)
    return m @ m.t() / f.numel()

content, style = load(content_path, H, W), load(style_path, h, w)
with torch.no_grad():
    ct = features(content * 255)['conv4_2']
    fs = features(style * 255)
    grams = [gram(fs[l]) for l in STYLE]
x = (content * 255).clone().requires_grad_(True)
opt = torch.optim.LBFGS([x], lr=1, max_iter=steps, history_size=100, tolerance_grad=-1, tolerance_change=-1)

def closure():
    opt.zero_grad()
    f = features(x)
    loss = 5 * F.mse_loss(f['conv4_2'], ct)
    for j, l in enumerate(STYLE):
        loss = loss + 100 * F.mse_loss(gram(f[l]), grams[j])
    # jcjohnson's TVLoss: its gradient is strength * (the derivative of half the sum of squared
    # neighbour differences) on the 0..255 image.
    loss = loss + 1e-3 * 0.5 * (((x[:, :, 1:, :] - x[:, :, :-1, :]) ** 2).sum() + ((x[:, :, :, 1:] - x[:, :, :, :-1]) ** 2).sum())
    loss.backward()
    return loss

opt.step(closure)
(x.detach() / 255).clamp(0, 1)[0].numpy().transpose(1, 2, 0).astype('<f4').tofile(out_path)
