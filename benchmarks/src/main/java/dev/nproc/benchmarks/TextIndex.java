package dev.nproc.benchmarks;

import dev.nproc.core.Service;
import java.io.Serializable;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The demo's second job: word frequencies and an inverted index over a synthetic corpus.
 *
 * <p>The corpus is deterministic: a fixed lexicon of stop words and made-up words, drawn with a
 * Zipf law, inflected ({@code -s}, {@code -ed}, {@code -ing}), sometimes accented, capitalized
 * and punctuated, with
 * a sprinkle of rare words that are not in the lexicon. Indexing a document folds accents,
 * tokenizes it, folds case, strips the inflections back off by dictionary look-up, drops stop words and maps
 * each word to a term id. Words of the lexicon have fixed ids; a rare word gets its id from a
 * {@link TermRegistry} that lives in the master, so in the workers it is fetched with
 * {@code serv.request} (Full mode) and cached per worker.
 *
 * <p>Stateless apart from the per-worker cache of rare-word ids, which is thread-safe.
 */
public final class TextIndex {
  /** The seed of the lexicon and of every document. */
  private static final long SEED = 20261122L;
  private static final String[] STOP_WORDS = {
    "the", "of", "and", "a", "to", "in", "is", "it", "that", "for", "was", "on", "are", "as", "with",
    "his", "they", "at", "be", "this", "from", "have", "or", "by", "one", "had", "not", "but", "what",
    "all", "were", "when", "we", "there", "can", "an", "your", "which", "their", "if", "do", "will",
    "each", "about", "how", "up", "out", "them", "then", "she", "many", "some", "so", "these", "would",
  };
  private static final String[] SYLLABLES = {
    "ka", "lo", "mi", "ren", "tor", "va", "su", "pel", "dra", "mon", "ti", "no", "bar", "shi", "gu",
    "len", "fa", "ro", "chi", "det", "po", "lan", "ve", "mar", "cu", "sto", "ne", "bri", "hal", "ga",
  };
  private static final String[] RARE_SYLLABLES = {"qu", "zy", "xo", "jeb", "vix", "oq", "zab", "kyx"};
  private static final String[] SUFFIXES = {"s", "ed", "ing"};
  /** The combining accents put on a, e, i, o, u in accented words. */
  private static final char[] ACCENTS = {'\u0300', '\u0301', '\u0308', '\u0302', '\u0308'};

  private TextIndex() {}


  /**
   * The reference data every indexing task shares, the {@code env} of Full mode: the lexicon's
   * words (a word's index is its term id) and the stop words. Sent once to each worker.
   *
   * <p>Immutable once built; treat its collections as read-only. Thread-safe.
   *
   * @param words the lexicon, stop words first; a word's index is its term id
   * @param ids each word's term id
   * @param stopWords the words that are dropped
   * @param runId tells one indexing run from another, for the worker's cache of rare-word ids
   */
  public record Lexicon(String[] words, HashMap<String, Integer> ids, Set<String> stopWords, long runId)
      implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * Returns a copy of this lexicon for another run.
     *
     * @param newRunId the run's id
     * @return the copy, sharing the collections
     */
    public Lexicon forRun(long newRunId) {
      return new Lexicon(words, ids, stopWords, newRunId);
    }
  }

  /**
   * Builds the fixed lexicon: the stop words, then {@code size} made-up words of two to four
   * syllables, all distinct, none of which ends in an inflection so stemming by look-up is exact.
   *
   * @param size how many made-up words
   * @return the lexicon, run id 0
   */
  public static Lexicon lexicon(int size) {
    LinkedHashSet<String> words = new LinkedHashSet<>(Arrays.asList(STOP_WORDS));
    SplittableRandom rnd = new SplittableRandom(SEED);
    StringBuilder sb = new StringBuilder();
    while (words.size() < STOP_WORDS.length + size) {
      sb.setLength(0);
      int n = 2 + rnd.nextInt(3);
      for (int i = 0; i < n; i++) {
        sb.append(SYLLABLES[rnd.nextInt(SYLLABLES.length)]);
      }
      String w = sb.toString();
      if (!w.endsWith("s") && !w.endsWith("ed") && !w.endsWith("ing")) {
        words.add(w);
      }
    }
    String[] array = words.toArray(new String[0]);
    HashMap<String, Integer> ids = new HashMap<>(array.length * 2);
    for (int i = 0; i < array.length; i++) {
      ids.put(array[i], i);
    }
    return new Lexicon(array, ids, Set.copyOf(Arrays.asList(STOP_WORDS)), 0);
  }

  /**
   * The generator of the corpus: a Zipf law over the lexicon (stop words are the most frequent
   * words) and a pool of rare words outside it.
   *
   * <p>Immutable and thread-safe.
   */
  public static final class Corpus implements Serializable {
    private static final long serialVersionUID = 1L;
    private final Lexicon lexicon;
    private final double[] cumulative;
    private final String[] rare;

    /**
     * Prepares the generator.
     *
     * @param lexicon the lexicon to draw words from
     * @param rareWords how many distinct rare words to draw from
     */
    public Corpus(Lexicon lexicon, int rareWords) {
      this.lexicon = lexicon;
      int n = lexicon.words().length;
      cumulative = new double[n];
      double sum = 0;
      for (int i = 0; i < n; i++) {
        sum += 1.0 / (i + 1);
        cumulative[i] = sum;
      }
      for (int i = 0; i < n; i++) {
        cumulative[i] /= sum;
      }
      LinkedHashSet<String> pool = new LinkedHashSet<>();
      SplittableRandom rnd = new SplittableRandom(SEED + 1);
      StringBuilder sb = new StringBuilder();
      while (pool.size() < rareWords) {
        sb.setLength(0);
        sb.append(RARE_SYLLABLES[rnd.nextInt(RARE_SYLLABLES.length)]);
        for (int i = 0, k = 1 + rnd.nextInt(3); i < k; i++) {
          sb.append(SYLLABLES[rnd.nextInt(SYLLABLES.length)]);
        }
        sb.append(RARE_SYLLABLES[rnd.nextInt(RARE_SYLLABLES.length)]);
        pool.add(sb.toString());
      }
      rare = pool.toArray(new String[0]);
    }

    /**
     * Builds document {@code id}, always the same text for the same id: 20 to 140 words.
     *
     * @param id the document's number
     * @return its text
     */
    public String document(int id) {
      SplittableRandom rnd = new SplittableRandom(SEED * 31 + id);
      int length = 20 + rnd.nextInt(121);
      StringBuilder sb = new StringBuilder(length * 8);
      boolean sentenceStart = true;
      for (int i = 0; i < length; i++) {
        if (i > 0) {
          sb.append(' ');
        }
        String word;
        if (rnd.nextInt(200) == 0) {
          word = rare[rnd.nextInt(rare.length)];
        } else {
          int k = Arrays.binarySearch(cumulative, rnd.nextDouble());
          word = lexicon.words()[Math.min(k < 0 ? -k - 1 : k, cumulative.length - 1)];
          int r = rnd.nextInt(100);
          if (r < 15 && !lexicon.stopWords().contains(word)) {
            word = word + SUFFIXES[r % SUFFIXES.length];
          } else if (r >= 95) {
            word = accented(word);
          }
        }
        if (sentenceStart) {
          sb.append(Character.toUpperCase(word.charAt(0))).append(word, 1, word.length());
        } else {
          sb.append(word);
        }
        int p = rnd.nextInt(100);
        sentenceStart = p < 6;
        if (sentenceStart) {
          sb.append('.');
        } else if (p < 10) {
          sb.append(',');
        }
      }
      return sb.append('.').toString();
    }

    /** Writes a word with accents on its vowels, as a careless or multilingual author might. */
    private static String accented(String word) {
      StringBuilder sb = new StringBuilder(word.length() * 2);
      for (int i = 0; i < word.length(); i++) {
        char c = word.charAt(i);
        int v = "aeiou".indexOf(c);
        if (v >= 0) {
          sb.append(c).append(ACCENTS[v]);
        } else {
          sb.append(c);
        }
      }
      return Normalizer.normalize(sb, Normalizer.Form.NFC);   // precomposed: é, è, ï, ô, ü
    }
  }

  /**
   * The term ids of rare words, assigned in the master on first request: ids follow the
   * lexicon's. Serves the workers' {@code serv.request} in Full mode, and the serial run directly.
   *
   * <p>Thread-safe.
   */
  public static final class TermRegistry {
    private final int base;
    private final ConcurrentHashMap<String, Integer> ids = new ConcurrentHashMap<>();
    private final List<String> words = new ArrayList<>();
    private final AtomicLong requests = new AtomicLong();

    /**
     * Starts an empty registry.
     *
     * @param lexicon the lexicon, whose ids are taken
     */
    public TermRegistry(Lexicon lexicon) {
      base = lexicon.words().length;
    }

    /**
     * Returns the term ids of {@code rareWords}, assigning new ones as needed.
     *
     * @param rareWords words not in the lexicon
     * @return their ids, parallel to the argument
     */
    public int[] resolve(String[] rareWords) {
      requests.incrementAndGet();
      int[] out = new int[rareWords.length];
      for (int i = 0; i < rareWords.length; i++) {
        out[i] = ids.computeIfAbsent(rareWords[i], w -> {
          synchronized (words) {
            words.add(w);
            return base + words.size() - 1;
          }
        });
      }
      return out;
    }

    /**
     * Returns the rare word of id {@code id}.
     *
     * @param id an id this registry gave
     * @return the word
     */
    public String word(int id) {
      synchronized (words) {
        return words.get(id - base);
      }
    }

    /**
     * Returns the id of a rare word, or -1.
     *
     * @param word the word
     * @return its id, or -1 if it was never resolved
     */
    public int id(String word) {
      return ids.getOrDefault(word, -1);
    }

    /**
     * Returns how many rare words have an id.
     *
     * @return the count
     */
    public int size() {
      return ids.size();
    }

    /**
     * Returns how many times {@link #resolve} was called.
     *
     * @return the count
     */
    public long requests() {
      return requests.get();
    }
  }

  /** The per-worker cache of rare-word ids, valid for one run (one lexicon run id). */
  private static final class WorkerCache {
    private static volatile WorkerCache current = new WorkerCache(Long.MIN_VALUE);
    private final long runId;
    private final ConcurrentHashMap<String, Integer> ids = new ConcurrentHashMap<>();

    private WorkerCache(long runId) {
      this.runId = runId;
    }

    static synchronized Map<String, Integer> forRun(long runId) {
      if (current.runId != runId) {
        current = new WorkerCache(runId);
      }
      return current.ids;
    }
  }

  /**
   * The Full-mode task: indexes one document in a worker, asking the master for the ids of rare
   * words this worker has not seen yet (one request per document at most).
   *
   * @param serv the master's term registry
   * @param lexicon the shared lexicon
   * @param doc the document
   * @return its terms
   */
  public static int[] indexInWorker(Service<String[], int[]> serv, Lexicon lexicon, String doc) {
    return index(lexicon, doc, serv::request, WorkerCache.forRun(lexicon.runId()));
  }

  /**
   * What every worker of the demo's index shares: the lexicon, and the corpus generator, from
   * which a worker builds the documents it is given by number, as it would read files by path.
   *
   * @param lexicon the lexicon
   * @param corpus the corpus generator
   */
  public record Shared(Lexicon lexicon, Corpus corpus) implements Serializable {}

  /**
   * The Full-mode task of the demo: builds document {@code id} from the shared corpus generator
   * and indexes it, as {@link #indexInWorker} does.
   *
   * @param serv the master's term registry
   * @param shared the lexicon and the corpus generator
   * @param id the document's number
   * @return its terms
   */
  public static int[] indexDocumentInWorker(Service<String[], int[]> serv, Shared shared, Integer id) {
    return indexInWorker(serv, shared.lexicon(), shared.corpus().document(id));
  }

  /**
   * Indexes one document: folds accents (Unicode NFD, then drops the combining marks), tokenizes
   * on anything but letters, folds case, strips {@code -s},
   * {@code -ed} or {@code -ing} when that yields a lexicon word, drops stop words, and counts
   * each term. The result is packed in one {@code int[]}, which travels back from a worker as
   * one block: the number of words, the number of stop words dropped, then the distinct term
   * ids, ascending, then each one's count ({@code 2 + 2 * distinct} elements).
   *
   * @param lexicon the lexicon
   * @param text the document's text
   * @param registry resolves rare words to ids, called at most once, with the words not in {@code cache}
   * @param cache ids of rare words already resolved; filled by this call
   * @return the document's terms, packed
   */
  public static int[] index(Lexicon lexicon, String text, Function<String[], int[]> registry,
                            Map<String, Integer> cache) {
    text = Normalizer.normalize(text, Normalizer.Form.NFD);
    int[] ids = new int[32];
    int n = 0;
    int tokens = 0;
    int stopped = 0;
    List<String> unknown = null;
    StringBuilder token = new StringBuilder(16);
    for (int i = 0, len = text.length(); i <= len; i++) {
      char c = i < len ? text.charAt(i) : ' ';
      if (Character.getType(c) == Character.NON_SPACING_MARK) {
        continue;   // an accent, once NFD has split it from its letter
      }
      if (Character.isLetter(c)) {
        token.append(Character.toLowerCase(c));
        continue;
      }
      if (token.length() == 0) {
        continue;
      }
      String word = token.toString();
      token.setLength(0);
      tokens++;
      if (lexicon.stopWords().contains(word)) {
        stopped++;
        continue;
      }
      int id = lookUp(lexicon, word);
      if (id < 0) {
        Integer known = cache.get(word);
        if (known != null) {
          id = known;
        } else {
          if (unknown == null) {
            unknown = new ArrayList<>();
          }
          unknown.add(word);
          id = -1 - (unknown.size() - 1);   // a placeholder, patched below
        }
      }
      if (n == ids.length) {
        ids = Arrays.copyOf(ids, n * 2);
      }
      ids[n++] = id;
    }
    if (unknown != null) {
      String[] asked = unknown.toArray(new String[0]);
      int[] answers = registry.apply(asked);
      for (int k = 0; k < asked.length; k++) {
        cache.put(asked[k], answers[k]);
      }
      for (int k = 0; k < n; k++) {
        if (ids[k] < 0) {
          ids[k] = answers[-1 - ids[k]];
        }
      }
    }
    Arrays.sort(ids, 0, n);
    int distinct = 0;
    for (int k = 0; k < n; k++) {
      if (k == 0 || ids[k] != ids[k - 1]) {
        distinct++;
      }
    }
    int[] packed = new int[2 + 2 * distinct];
    packed[0] = tokens;
    packed[1] = stopped;
    int d = 1;
    for (int k = 0; k < n; k++) {
      if (k == 0 || ids[k] != ids[k - 1]) {
        d++;
        packed[d] = ids[k];
      }
      packed[d + distinct]++;
    }
    return packed;
  }

  private static int lookUp(Lexicon lexicon, String word) {
    Integer id = lexicon.ids().get(word);
    if (id != null) {
      return id;
    }
    for (String suffix : SUFFIXES) {
      if (word.length() > suffix.length() + 1 && word.endsWith(suffix)) {
        id = lexicon.ids().get(word.substring(0, word.length() - suffix.length()));
        if (id != null) {
          return id;
        }
      }
    }
    return -1;
  }

  /**
   * The merged result of indexing a corpus: each term's total count and its postings (the ids
   * of the documents that hold it, ascending once {@link #finish()} ran).
   *
   * <p>Not thread-safe: fill it from one thread.
   */
  public static final class Index {
    private long[] frequency = new long[1024];
    private int[][] postings = new int[1024][];
    private int[] postingLengths = new int[1024];
    private int terms;
    private long tokens;
    private long stopped;
    private long postingCount;
    private int documents;

    /** Starts an empty index. */
    public Index() {}

    /**
     * Adds one document's terms.
     *
     * @param doc the document's id
     * @param packed its terms, as {@link TextIndex#index} packs them
     */
    public void add(int doc, int[] packed) {
      documents++;
      tokens += packed[0];
      stopped += packed[1];
      int distinct = (packed.length - 2) / 2;
      for (int k = 0; k < distinct; k++) {
        int t = packed[2 + k];
        if (t >= frequency.length) {
          int size = Math.max(t + 1, frequency.length * 2);
          frequency = Arrays.copyOf(frequency, size);
          postings = Arrays.copyOf(postings, size);
          postingLengths = Arrays.copyOf(postingLengths, size);
        }
        terms = Math.max(terms, t + 1);
        frequency[t] += packed[2 + distinct + k];
        int[] list = postings[t];
        int len = postingLengths[t];
        if (list == null) {
          list = postings[t] = new int[8];
        } else if (len == list.length) {
          list = postings[t] = Arrays.copyOf(list, len * 2);
        }
        list[len] = doc;
        postingLengths[t] = len + 1;
        postingCount++;
      }
    }

    /** Sorts every postings list (documents may have come in any order). */
    public void finish() {
      for (int t = 0; t < terms; t++) {
        if (postings[t] != null) {
          Arrays.sort(postings[t], 0, postingLengths[t]);
        }
      }
    }

    /**
     * Returns the number of term ids in use (lexicon plus rare words seen), an upper bound on
     * the distinct terms.
     *
     * @return the bound
     */
    public int termIds() {
      return terms;
    }

    /**
     * Returns how many distinct terms occur at least once.
     *
     * @return the count
     */
    public int distinctTerms() {
      int n = 0;
      for (int t = 0; t < terms; t++) {
        if (frequency[t] > 0) {
          n++;
        }
      }
      return n;
    }

    /**
     * Returns the total count of term {@code t}.
     *
     * @param t a term id
     * @return its count, 0 if unseen
     */
    public long frequency(int t) {
      return t < terms ? frequency[t] : 0;
    }

    /**
     * Returns the postings of term {@code t}, ascending after {@link #finish()}.
     *
     * @param t a term id
     * @return a copy of its postings, empty if unseen
     */
    public int[] postings(int t) {
      return t < terms && postings[t] != null ? Arrays.copyOf(postings[t], postingLengths[t]) : new int[0];
    }

    /**
     * Returns the ids of the {@code k} most frequent terms, most frequent first.
     *
     * @param k how many
     * @return their ids
     */
    public int[] top(int k) {
      return java.util.stream.IntStream.range(0, terms).boxed()
          .sorted((a, b) -> frequency[a] != frequency[b] ? Long.compare(frequency[b], frequency[a]) : Integer.compare(a, b))
          .limit(k).mapToInt(Integer::intValue).toArray();
    }

    /**
     * Returns the number of documents added.
     *
     * @return the count
     */
    public int documents() {
      return documents;
    }

    /**
     * Returns the number of words seen, stop words included.
     *
     * @return the count
     */
    public long tokens() {
      return tokens;
    }

    /**
     * Returns the number of stop words dropped.
     *
     * @return the count
     */
    public long stopped() {
      return stopped;
    }

    /**
     * Returns the number of postings, (term, document) pairs.
     *
     * @return the count
     */
    public long postingCount() {
      return postingCount;
    }
  }

  /**
   * Tells whether two indexes of the same corpus agree, term by term, once rare-word ids are
   * translated through each run's registry (those ids depend on the order of requests).
   *
   * @param lexicon the lexicon
   * @param a the first index
   * @param ra the registry of the run that built {@code a}
   * @param b the second index
   * @param rb the registry of the run that built {@code b}
   * @return {@code null} if equal, else the first difference found
   */
  public static String difference(Lexicon lexicon, Index a, TermRegistry ra, Index b, TermRegistry rb) {
    if (a.documents() != b.documents() || a.tokens() != b.tokens() || a.stopped() != b.stopped()
        || a.postingCount() != b.postingCount() || a.distinctTerms() != b.distinctTerms()) {
      return String.format("totals differ: %d/%d docs, %d/%d words, %d/%d postings, %d/%d terms",
          a.documents(), b.documents(), a.tokens(), b.tokens(), a.postingCount(), b.postingCount(),
          a.distinctTerms(), b.distinctTerms());
    }
    int base = lexicon.words().length;
    for (int t = 0; t < a.termIds(); t++) {
      if (a.frequency(t) == 0) {
        continue;
      }
      String word = t < base ? lexicon.words()[t] : ra.word(t);
      int u = t < base ? t : rb.id(word);
      if (u < 0 || a.frequency(t) != b.frequency(u) || !Arrays.equals(a.postings(t), b.postings(u))) {
        return "term '" + word + "' differs";
      }
    }
    return null;
  }

  /**
   * Returns the word of term {@code t}.
   *
   * @param lexicon the lexicon
   * @param registry the run's registry
   * @param t the term id
   * @return the word
   */
  public static String word(Lexicon lexicon, TermRegistry registry, int t) {
    return t < lexicon.words().length ? lexicon.words()[t] : registry.word(t);
  }
}
