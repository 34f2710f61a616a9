"""Choosing bf16 or fp32 from what the CPU advertises."""

from __future__ import annotations

from pathlib import Path

import pytest

from finder.embed.precision import choose_precision, cpu_has_native_bf16


def test_bf16_flag_in_cpuinfo_is_detected(tmp_path: Path) -> None:
    """An x86 cpuinfo listing avx512_bf16 counts as native bf16; one without does not."""
    with_bf16 = tmp_path / "with"
    with_bf16.write_text("flags\t\t: fpu sse2 avx2 avx512f avx512_bf16\n")
    without = tmp_path / "without"
    without.write_text("flags\t\t: fpu sse2 avx2 avx512f\n")
    assert cpu_has_native_bf16(with_bf16)
    assert not cpu_has_native_bf16(without)


def test_missing_cpuinfo_means_fp32(tmp_path: Path) -> None:
    """Where /proc/cpuinfo does not exist (macOS, Windows) finder stays on fp32."""
    assert not cpu_has_native_bf16(tmp_path / "absent")


@pytest.mark.parametrize("forced", ["bf16", "fp32"])
def test_environment_overrides_the_choice(forced: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """FINDER_PRECISION forces a precision whatever the CPU says."""
    monkeypatch.setenv("FINDER_PRECISION", forced)
    assert choose_precision() == forced
