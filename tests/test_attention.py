"""The cheap attention dropout (training/attention.py): its mask, eager attention equal to torch's,
a training-only effect, and a checkpoint that loads without it."""
from __future__ import annotations

import json

import pytest

torch = pytest.importorskip("torch")


def _tiny(attention_dropout: float = 0.3, hidden_dropout: float = 0.1):
    from transformers import LayoutLMConfig, LayoutLMForTokenClassification

    from models.config import CONFIGS

    cfg = LayoutLMConfig(vocab_size=50, num_labels=5, **{**CONFIGS["layoutlm-char-tiny"],
                         "attention_probs_dropout_prob": attention_dropout, "hidden_dropout_prob": hidden_dropout})
    torch.manual_seed(0)
    return LayoutLMForTokenClassification(cfg)


def _inputs(batch: int = 3, length: int = 40):
    g = torch.Generator().manual_seed(1)
    ids = torch.randint(5, 50, (batch, length), generator=g)
    xy = torch.randint(0, 900, (batch, length, 2), generator=g)
    mask = torch.ones(batch, length, dtype=torch.long)
    mask[0, 3:] = 0  # a window of three characters: most of its keys are padding
    return dict(input_ids=ids, bbox=torch.cat([xy, xy + 50], -1), attention_mask=mask)


def test_mask_keeps_the_asked_share_and_scales_it_back():
    from training.attention import keep_mask

    torch.manual_seed(0)
    keep, scale = keep_mask((16, 4, 256, 256), 0.1, torch.device("cpu"))
    assert keep.shape == (16, 4, 256, 256) and abs(keep.float().mean().item() - 0.9) < 0.001
    assert abs(scale * (1 - 0.1) - 1) < 1e-4
    assert keep_mask((3, 5), 0.0, torch.device("cpu"))[0].all()


def test_same_attention_as_torch_without_dropout_and_random_only_while_training():
    from training.train import _set_attention

    model, x = _tiny(attention_dropout=0.3, hidden_dropout=0.0), _inputs()
    model.eval()
    reference = model(**x).logits
    _set_attention(model, "cheap")
    assert torch.allclose(model(**x).logits, reference, atol=1e-5)  # inference: nothing dropped
    model.train()
    torch.manual_seed(3)
    a = model(**x).logits
    torch.manual_seed(3)
    b = model(**x).logits
    torch.manual_seed(4)
    c = model(**x).logits
    assert torch.isfinite(a).all() and torch.equal(a, b) and not torch.allclose(a, c)  # seeded, and random
    model.config.attention_probs_dropout_prob = 0.0
    for layer in model.layoutlm.encoder.layer:
        layer.attention.self.attention_dropout = 0.0
    assert torch.allclose(model(**x).logits, reference, atol=1e-5)  # training, no dropout: torch's attention


def test_trains_and_saves_a_checkpoint_that_loads_without_it(tmp_path):
    from transformers import AutoModelForTokenClassification

    from training.train import _set_attention

    model, x = _tiny(), _inputs()
    labels = torch.randint(0, 5, x["input_ids"].shape, generator=torch.Generator().manual_seed(2))
    _set_attention(model, "cheap")
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    losses = []
    for _ in range(15):
        out = model(**x, labels=labels)
        out.loss.backward()
        opt.step(), opt.zero_grad()
        losses.append(out.loss.item())
    assert all(v == v for v in losses) and max(losses[-3:]) < losses[0] / 2
    model.eval()
    _set_attention(model, "sdpa")
    model.save_pretrained(tmp_path)
    assert "nianbao" not in json.dumps(json.loads((tmp_path / "config.json").read_text()))
    again = AutoModelForTokenClassification.from_pretrained(tmp_path).eval()
    assert torch.allclose(again(**x).logits, model(**x).logits, atol=1e-6)


def test_cheap_is_torchs_fused_attention_on_a_gpu():
    from training.attention import NAME
    from training.train import _set_attention

    model = _tiny()
    _set_attention(model, "cheap", "cpu")
    assert model.config._attn_implementation == NAME
    _set_attention(model, "cheap", "cuda:0")  # only the choice: no GPU needed
    assert model.config._attn_implementation == "sdpa"
