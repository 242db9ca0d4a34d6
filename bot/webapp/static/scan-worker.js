/* The live scanner's decoder, in its own thread: the page posts a frame ({id, image: ImageData, options}),
   this answers {id, texts, ms} (the barcodes' texts, the decode's milliseconds) or {id, error} ({fatal: true}
   when the reader itself could not load: the page then decodes on its own thread). The same
   vendored zxing-wasm as the page would use; the page's thread never waits on a decode. */
importScripts("/app/static/vendor/zxing-wasm/reader/index.js");

const ready = ZXingWASM.prepareZXingModule({
  overrides: { locateFile: (path) => "/app/static/vendor/zxing-wasm/reader/" + path },
  fireImmediately: true,
});

self.onmessage = async (event) => {
  const { id, image, options } = event.data;
  try { await ready; } catch (error) {
    self.postMessage({ id, error: String((error && error.message) || error), fatal: true });  // no reader here
    return;
  }
  try {
    const started = performance.now();
    const results = await ZXingWASM.readBarcodes(image, options);
    self.postMessage({ id, texts: results.map((r) => r.text), ms: performance.now() - started });
  } catch (error) {
    self.postMessage({ id, error: String((error && error.message) || error) });
  }
};
