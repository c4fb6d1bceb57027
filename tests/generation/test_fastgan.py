"""The learned generator's networks, augmentation and sampling (no training run)."""

from __future__ import annotations

import pytest
import torch

from generation import diffaug, fastgan, gan_train


@pytest.mark.parametrize("size", fastgan.SIZES)
def test_networks_are_built_for_each_training_size(size):
    params = fastgan.model_params(size=size)
    generator = fastgan.build_generator(params, seed=0)
    critic = fastgan.build_discriminator(params, seed=1)
    labels = torch.tensor([0, len(params["classes"]) - 1])

    images = generator(torch.randn(2, params["nz"]), labels)
    logits, rebuilt = critic(images, labels, torch.tensor([0, 3]))

    assert images.shape == (2, 3, size, size)
    assert images.abs().max() <= 1
    assert logits.shape == (2,)
    assert [r.shape for r in rebuilt] == [(2, 3, 32, 32), (2, 3, 32, 32)]


def test_other_sizes_are_refused():
    with pytest.raises(ValueError, match="32, 64, 128, 256 px"):
        fastgan.model_params(size=48)


def test_the_same_seed_builds_the_same_networks_spectral_norm_included():
    params = fastgan.model_params(size=32)
    a = fastgan.build_discriminator(params, seed=3).state_dict()
    b = fastgan.build_discriminator(params, seed=3).state_dict()
    c = fastgan.build_discriminator(params, seed=4).state_dict()

    assert all(torch.equal(a[k], b[k]) for k in a)
    assert any(not torch.equal(a[k], c[k]) for k in a)


def test_a_seed_paints_the_same_pixels_alone_or_in_a_batch_and_styles_differ():
    params = fastgan.model_params(size=32)
    model = fastgan.build_generator(params, seed=0).eval()
    cpu = torch.device("cpu")

    batch = fastgan.sample(model, [5, 6, 5], [0, 0, 1], cpu)
    alone = fastgan.sample(model, [5], [0], cpu)

    assert batch.dtype == torch.uint8
    assert torch.equal(batch[0], alone[0])
    assert not torch.equal(batch[0], batch[1])  # another seed
    assert not torch.equal(batch[0], batch[2])  # the same seed in another style


def test_sampling_upsamples_on_the_device_to_the_asked_size():
    params = fastgan.model_params(size=32)
    model = fastgan.build_generator(params, seed=0).eval()

    big = fastgan.sample(model, [1], [0], torch.device("cpu"), size=96)

    assert big.shape == (1, 3, 96, 96)


def test_a_style_label_comes_from_the_recipe_or_the_seed():
    params = fastgan.model_params(size=32)
    classes = params["classes"]

    assert fastgan.label_of(params, "ink", 0) == classes.index("ink")
    picked = {classes[fastgan.label_of(params, None, s)] for s in range(40)}
    assert fastgan.GALLERY_CLASS not in picked
    assert len(picked) == len(classes) - 1


def test_augmentation_changes_real_and_fake_alike_and_passes_gradients():
    images = torch.rand(4, 3, 32, 32) * 2 - 1
    draws = diffaug.draw(4, torch.Generator().manual_seed(0))
    fake = images.clone().requires_grad_(True)

    real_out = diffaug.augment(images, draws)
    fake_out = diffaug.augment(fake, draws)
    fake_out.sum().backward()

    assert torch.allclose(real_out, fake_out)
    assert not torch.allclose(real_out, images)
    assert fake.grad is not None
    assert fake.grad.abs().sum() > 0
    # Cutout blanks a square of half the side, which may hang over an edge.
    cut = diffaug.augment(images, draws, ("cutout",))
    blank = (cut == 0).float().mean((1, 2, 3))
    assert torch.all(blank <= 0.25)
    assert blank.mean() > 0.1


def test_the_sampler_splits_one_weighted_draw_between_processes():
    weights = torch.tensor([1.0, 1.0, 8.0, 0.0])

    def draw(rank: int, world: int) -> list[int]:
        sampler = gan_train.WeightedDistributedSampler(
            weights, samples=400, num_replicas=world, rank=rank, seed=1
        )
        sampler.set_epoch(2)
        return list(sampler)

    alone = draw(0, 1)
    halves = [draw(0, 2), draw(1, 2)]
    woven = [i for pair in zip(*halves, strict=True) for i in pair]

    assert woven == alone
    assert 3 not in alone  # weight 0: never drawn
    assert alone.count(2) > 3 * (alone.count(0) + alone.count(1))  # weight 8
