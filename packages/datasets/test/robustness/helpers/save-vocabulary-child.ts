// saveVocabulary in a child process, for the save fault tests (the parent caps its file size with
// `ulimit -f`). argv: <path>. Prints "ok" or the error code (EFBIG).
import { saveVocabulary, Vocabulary } from '@mlblocks/datasets/node';

const vocab = Vocabulary.build(Array.from({ length: 5000 }, (_, i) => `word${i}`));
try {
  saveVocabulary(vocab, process.argv[2]!);
  console.log('ok');
} catch (error) {
  console.log((error as NodeJS.ErrnoException).code ?? (error as Error).message);
}
