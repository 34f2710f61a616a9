"""A small real corpus for the map's tests: five themes, six files each, one planted
theme (beekeeping) whose own words must name its topic."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import write

THEMES = {
    "bees": [
        "The beekeeper opened the hive and checked every frame for the queen and her eggs.",
        "A strong colony of honey bees can swarm in May when the hive runs out of room.",
        "We extracted twenty jars of honey from the supers and left enough for the bees.",
        "Varroa mites weaken a bee colony; treat the hive with oxalic acid in winter.",
        "Beeswax from the old comb was melted down to make candles and polish.",
        "The queen bee was marked with a blue dot so the beekeeper could find her in the hive.",
    ],
    "bread": [
        "Feed the sourdough starter with flour and water the night before baking.",
        "Knead the dough for ten minutes until it is smooth and elastic, then let it rise.",
        "Bake the loaf at 230 degrees in a preheated Dutch oven for a crisp crust.",
        "A high hydration dough gives an open crumb with large irregular holes.",
        "Shape the rye bread into a boule and proof it in a floured banneton overnight.",
        "Scoring the top of the loaf with a razor lets the bread expand in the oven.",
    ],
    "taxes": [
        "The income tax return must reach the revenue office by the thirty-first of January.",
        "Keep receipts for deductible expenses such as pension contributions and charity gifts.",
        "Self-employed people pay tax on account in two instalments each year.",
        "The tax office sent a penalty notice because the return was filed late.",
        "Capital gains on shares above the annual allowance are taxed at a higher rate.",
        "Claim the marriage allowance to transfer part of the personal allowance to a spouse.",
    ],
    "hiking": [
        "The trail climbs eight hundred metres through pine forest to a mountain hut.",
        "Pack waterproofs, a map and a compass before walking along the exposed ridge.",
        "We camped beside the lake and hiked to the summit at sunrise the next morning.",
        "The footpath crosses the moor and descends steeply into the valley village.",
        "Blisters on a long hike are avoided with well fitted boots and wool socks.",
        "The mountain refuge serves soup to walkers who reach the pass before dark.",
    ],
    "cars": [
        "Change the engine oil and the oil filter every ten thousand kilometres.",
        "The garage replaced the brake pads and discs on both front wheels.",
        "Check the tyre pressure monthly and before a long motorway journey.",
        "The car failed its annual inspection because of a worn suspension bush.",
        "A flat battery on a cold morning was jump started with leads from a neighbour.",
        "The mechanic found a leaking radiator hose that made the engine overheat.",
    ],
}


def theme_text(sentences: list[str], i: int) -> str:
    """File ``i`` of a theme: three of its sentences, each file a different mix."""
    return "\n\n".join(sentences[(i + j) % len(sentences)] for j in (0, 1, 3))


def write_corpus(root: Path) -> dict[str, str]:
    """Write every theme's files under ``root/<theme>/``; returns path -> theme."""
    out = {}
    for theme, sentences in THEMES.items():
        for i in range(len(sentences)):
            path = write(root / theme / f"{theme}-{i}.txt", theme_text(sentences, i))
            out[str(path)] = theme
    return out
