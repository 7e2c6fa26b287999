<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ja_JP">
  <context>
    <name>BatchTerrainCorrectionAlgorithm</name>
    <message>
      <source>Batch terrain correction (many scenes, Dask)</source>
      <translation>一括斜面勾配補正 (複数シーン、Dask)</translation>
    </message>
    <message>
      <source>RTC</source>
      <translation>RTC</translation>
    </message>
    <message>
      <source>batch</source>
      <translation>一括処理 (batch)</translation>
    </message>
    <message>
      <source>Dask</source>
      <translation>Dask</translation>
    </message>
    <message>
      <source>cluster</source>
      <translation>クラスタ (cluster)</translation>
    </message>
    <message>
      <source>scale</source>
      <translation>スケールアウト (scale)</translation>
    </message>
    <message>
      <source>S3</source>
      <translation>S3</translation>
    </message>
    <message>
      <source>URL</source>
      <translation>URL</translation>
    </message>
    <message>
      <source>gamma0</source>
      <translation>ガンマノート (gamma0)</translation>
    </message>
    <message>
      <source>NRB</source>
      <translation>NRB</translation>
    </message>
    <message>
      <source>L1.1</source>
      <translation>L1.1</translation>
    </message>
    <message>
      <source>Products (one per line: folder, zip, file or URL)</source>
      <translation>プロダクト (1行に1つ: フォルダ、zip、ファイルまたはURL)</translation>
    </message>
    <message>
      <source>L1.1 products: folders, zips, any of their files, or http(s)/s3 URLs of a file.</source>
      <translation>L1.1プロダクト: フォルダ、zip、その中の任意のファイル、またはファイルのhttp(s)/s3 URL。</translation>
    </message>
    <message>
      <source>Footprint layer from the scene search</source>
      <translation>シーン検索の観測範囲 (フットプリント) レイヤ</translation>
    </message>
    <message>
      <source>Each feature's download path or URL attribute is added to the products.</source>
      <translation>各地物のダウンロードパスまたはURLの属性をプロダクトに加えます。</translation>
    </message>
    <message>
      <source>Attribute with the product path or URL</source>
      <translation>プロダクトのパスまたはURLを持つ属性</translation>
    </message>
    <message>
      <source>Run on</source>
      <translation>実行場所</translation>
    </message>
    <message>
      <source>This process</source>
      <translation>このプロセス</translation>
    </message>
    <message>
      <source>Local Dask cluster</source>
      <translation>ローカルのDaskクラスタ</translation>
    </message>
    <message>
      <source>Remote Dask scheduler</source>
      <translation>リモートのDaskスケジューラ</translation>
    </message>
    <message>
      <source>Where the tiles are computed; the Dask options need dask and distributed.</source>
      <translation>タイルを計算する場所。Daskの選択肢には dask と distributed が必要です。</translation>
    </message>
    <message>
      <source>Dask scheduler address (empty = setting palsar2/dask/scheduler)</source>
      <translation>Daskスケジューラのアドレス (空欄 = 設定 palsar2/dask/scheduler)</translation>
    </message>
    <message>
      <source>Output folder</source>
      <translation>出力フォルダ</translation>
    </message>
    <message>
      <source>NRB product folders</source>
      <translation>NRBプロダクトのフォルダ</translation>
    </message>
    <message>
      <source>Failed scenes and why</source>
      <translation>失敗したシーンとその理由</translation>
    </message>
    <message>
      <source>Number of products written</source>
      <translation>書き出したプロダクトの数</translation>
    </message>
    <message>
      <source>Number of scenes that failed</source>
      <translation>失敗したシーンの数</translation>
    </message>
    <message>
      <source>Per-scene results</source>
      <translation>シーンごとの結果</translation>
    </message>
    <message>
      <source>The footprint layer has no attribute {}: choose the attribute holding the product path or URL.</source>
      <translation>観測範囲レイヤに属性 {} がありません。プロダクトのパスまたはURLを持つ属性を選んでください。</translation>
    </message>
    <message>
      <source>Give at least one product in INPUTS or a footprint layer.</source>
      <translation>INPUTS に少なくとも1つのプロダクトを指定するか、観測範囲レイヤを指定してください。</translation>
    </message>
    <message>
      <source>Choose a DEM raster file GDAL reads (save a web layer as GeoTIFF).</source>
      <translation>GDALで読めるDEMのラスタファイルを選んでください (Webレイヤは GeoTIFF として保存してください)。</translation>
    </message>
    <message>
      <source>Choose a projected CRS in metres (e.g. UTM), or leave CRS empty.</source>
      <translation>メートル単位の投影 CRS (UTM など) を選択するか、CRS を空欄にしてください。</translation>
    </message>
    <message>
      <source>{} products, run on: {}</source>
      <translation>{} 個のプロダクト、実行場所: {}</translation>
    </message>
    <message>
      <source>NRB product written to {}</source>
      <translation>NRBプロダクトを書き出しました: {}</translation>
    </message>
    <message>
      <source>Not written: {} ({})</source>
      <translation>書き出せませんでした: {}({})</translation>
    </message>
    <message>
      <source>{} of {} scenes written, {} failed</source>
      <translation>{} シーンを書き出しました({} シーン中)。{} シーンが失敗しました</translation>
    </message>
  </context>
  <context>
    <name>ChangeDetectionAlgorithm</name>
    <message>
      <source>Change detection (log-ratio)</source>
      <translation>変化抽出 (対数比)</translation>
    </message>
    <message>
      <source>change detection</source>
      <translation>変化抽出</translation>
    </message>
    <message>
      <source>log-ratio</source>
      <translation>対数比 (log-ratio)</translation>
    </message>
    <message>
      <source>disaster</source>
      <translation>災害</translation>
    </message>
    <message>
      <source>flood</source>
      <translation>洪水</translation>
    </message>
    <message>
      <source>speckle filter</source>
      <translation>スペックルフィルタ</translation>
    </message>
    <message>
      <source>refined Lee</source>
      <translation>Refined Lee フィルタ</translation>
    </message>
    <message>
      <source>boxcar</source>
      <translation>ボックスカー (boxcar)</translation>
    </message>
    <message>
      <source>Products and rasters (*.xml *.zip *.tif *.TIF *.vrt *.json);;All files (*)</source>
      <translation>プロダクトとラスタ (*.xml *.zip *.tif *.TIF *.vrt *.json);;すべてのファイル (*)</translation>
    </message>
    <message>
      <source>BEFORE product (folder, zip, summary.xml or any file)</source>
      <translation>変化前 (BEFORE) のプロダクト (フォルダ、zip、summary.xml または任意のファイル)</translation>
    </message>
    <message>
      <source>AFTER product (folder, zip, summary.xml or any file)</source>
      <translation>変化後 (AFTER) のプロダクト (フォルダ、zip、summary.xml または任意のファイル)</translation>
    </message>
    <message>
      <source>A product or raster file, or a product folder; or use the layer input.</source>
      <translation>プロダクトまたはラスタのファイル、あるいはプロダクトのフォルダ。代わりにレイヤ入力を使うこともできます。</translation>
    </message>
    <message>
      <source>BEFORE layer (instead of a product)</source>
      <translation>変化前 (BEFORE) のレイヤ (プロダクトの代わり)</translation>
    </message>
    <message>
      <source>AFTER layer (instead of a product)</source>
      <translation>変化後 (AFTER) のレイヤ (プロダクトの代わり)</translation>
    </message>
    <message>
      <source>A backscatter layer in dB or linear power (e.g. loaded by loadnrb).</source>
      <translation>dB または線形値 (電力) の後方散乱係数レイヤ (例: loadnrb で読み込んだレイヤ)。</translation>
    </message>
    <message>
      <source>Polarisation</source>
      <translation>偏波</translation>
    </message>
    <message>
      <source>0 = HH, 1 = HV, 2 = VV, 3 = VH (for products; a layer keeps its own).</source>
      <translation>0 = HH、1 = HV、2 = VV、3 = VH (プロダクトの場合。レイヤはそのレイヤの偏波のまま)。</translation>
    </message>
    <message>
      <source>Speckle filter</source>
      <translation>スペックルフィルタ</translation>
    </message>
    <message>
      <source>None</source>
      <translation>なし</translation>
    </message>
    <message>
      <source>Boxcar</source>
      <translation>ボックスカー (Boxcar)</translation>
    </message>
    <message>
      <source>Refined Lee</source>
      <translation>Refined Lee</translation>
    </message>
    <message>
      <source>0 = none, 1 = boxcar (mean), 2 = refined Lee (edge-preserving, slower).</source>
      <translation>0 = なし、1 = ボックスカー (平均)、2 = Refined Lee (エッジを保存、低速)。</translation>
    </message>
    <message>
      <source>Filter window (pixels, odd)</source>
      <translation>フィルタの窓サイズ (ピクセル、奇数)</translation>
    </message>
    <message>
      <source>Window size in pixels (odd; at least 5 for refined Lee).</source>
      <translation>窓サイズ (ピクセル、奇数。Refined Lee では 5 以上)。</translation>
    </message>
    <message>
      <source>Equivalent number of looks (refined Lee)</source>
      <translation>等価ルック数 (Refined Lee)</translation>
    </message>
    <message>
      <source>Speckle looks of the input, used by refined Lee.</source>
      <translation>入力データのスペックルの等価ルック数 (Refined Lee で使用)。</translation>
    </message>
    <message>
      <source>Change threshold (dB, optional)</source>
      <translation>変化のしきい値 (dB、省略可)</translation>
    </message>
    <message>
      <source>Changes of at least this many dB (up or down) become polygons.</source>
      <translation>この値 (dB) 以上の変化 (増加または減少) をポリゴンにします。</translation>
    </message>
    <message>
      <source>Smallest change region (pixels)</source>
      <translation>変化領域の最小サイズ (ピクセル)</translation>
    </message>
    <message>
      <source>Change regions with fewer pixels are ignored.</source>
      <translation>これより少ないピクセル数の変化領域は無視します。</translation>
    </message>
    <message>
      <source>Values of other rasters</source>
      <translation>その他のラスタの値</translation>
    </message>
    <message>
      <source>Automatic (dB if the band unit is dB)</source>
      <translation>自動 (バンドの単位が dB なら dB)</translation>
    </message>
    <message>
      <source>dB</source>
      <translation>dB</translation>
    </message>
    <message>
      <source>Linear power</source>
      <translation>線形値 (電力)</translation>
    </message>
    <message>
      <source>How to read a BEFORE/AFTER raster that is not a PALSAR-2 product or a layer made by this plugin: 0 = by its band unit, 1 = dB, 2 = linear power.</source>
      <translation>PALSAR-2 のプロダクトでも本プラグインで作成したレイヤでもない BEFORE/AFTER のラスタの値の解釈: 0 = バンドの単位に従う、1 = dB、2 = 線形値 (電力)。</translation>
    </message>
    <message>
      <source>Log-ratio (dB)</source>
      <translation>対数比 (dB)</translation>
    </message>
    <message>
      <source>10·log10(after/before) in dB, NaN where either input is not valid.</source>
      <translation>10·log10(after/before) (dB)。どちらかの入力が無効な箇所は NaN。</translation>
    </message>
    <message>
      <source>Change polygons</source>
      <translation>変化ポリゴン</translation>
    </message>
    <message>
      <source>Polygons of significant increase/decrease (needs THRESHOLD_DB).</source>
      <translation>有意な増加/減少を示すポリゴン (THRESHOLD_DB の指定が必要)。</translation>
    </message>
    <message>
      <source>Pixels of increase</source>
      <translation>増加ピクセル数</translation>
    </message>
    <message>
      <source>Pixels of decrease</source>
      <translation>減少ピクセル数</translation>
    </message>
    <message>
      <source>Number of change polygons</source>
      <translation>変化ポリゴン数</translation>
    </message>
    <message>
      <source>Give either a {0} product or a {0} layer, not both.</source>
      <translation>{0} のプロダクトか {0} のレイヤのどちらか一方だけを指定してください。</translation>
    </message>
    <message>
      <source>Give the {0} product ({1}) or layer ({2}).</source>
      <translation>{0} のプロダクト ({1}) またはレイヤ ({2}) を指定してください。</translation>
    </message>
    <message>
      <source>No THRESHOLD_DB given: no change polygons are made.</source>
      <translation>THRESHOLD_DB が指定されていないため、変化ポリゴンは作成しません。</translation>
    </message>
    <message>
      <source>Comparing {} with {}</source>
      <translation>{} と {} を比較しています</translation>
    </message>
    <message>
      <source>Valid pixels: {}, increase: {}, decrease: {}, polygons: {}</source>
      <translation>有効ピクセル: {}、増加: {}、減少: {}、ポリゴン: {}</translation>
    </message>
  </context>
  <context>
    <name>CoherenceChangeAlgorithm</name>
    <message>
      <source>Coherence change (damage proxy)</source>
      <translation>コヒーレンス変化(被害推定)</translation>
    </message>
    <message>
      <source>InSAR</source>
      <translation>InSAR</translation>
    </message>
    <message>
      <source>coherence</source>
      <translation>コヒーレンス</translation>
    </message>
    <message>
      <source>coherence change</source>
      <translation>コヒーレンス変化</translation>
    </message>
    <message>
      <source>damage proxy</source>
      <translation>被害推定</translation>
    </message>
    <message>
      <source>DPM</source>
      <translation>DPM</translation>
    </message>
    <message>
      <source>damage</source>
      <translation>被害</translation>
    </message>
    <message>
      <source>disaster</source>
      <translation>災害</translation>
    </message>
    <message>
      <source>earthquake</source>
      <translation>地震</translation>
    </message>
    <message>
      <source>landslide</source>
      <translation>地すべり</translation>
    </message>
    <message>
      <source>liquefaction</source>
      <translation>液状化</translation>
    </message>
    <message>
      <source>change detection</source>
      <translation>変化抽出</translation>
    </message>
    <message>
      <source>L1.1</source>
      <translation>L1.1</translation>
    </message>
    <message>
      <source>All files (*)</source>
      <translation>すべてのファイル (*)</translation>
    </message>
    <message>
      <source>Pre-event pair: reference (earliest) L1.1 product</source>
      <translation>災害前ペア: 基準(最も古い)レベル1.1プロダクト</translation>
    </message>
    <message>
      <source>The first acquisition, before the event: L1.1 product folder, zip or any of its files.</source>
      <translation>災害前の1回目の観測: レベル1.1プロダクトのフォルダ、zip、またはその中の任意のファイル。</translation>
    </message>
    <message>
      <source>Pre-event pair: secondary L1.1 product</source>
      <translation>災害前ペア: 相手側のレベル1.1プロダクト</translation>
    </message>
    <message>
      <source>The second acquisition, still before the event.</source>
      <translation>2回目の観測(これも災害前)。</translation>
    </message>
    <message>
      <source>Co-event pair: reference L1.1 product (empty = the pre-event secondary)</source>
      <translation>災害時ペア: 基準のレベル1.1プロダクト(空欄 = 災害前ペアの相手側)</translation>
    </message>
    <message>
      <source>The co-event pair's first acquisition, before the event; leave empty to use the pre-event secondary (three acquisitions).</source>
      <translation>災害時ペアの災害前の観測。空欄なら災害前ペアの相手側を使います(3時期)。</translation>
    </message>
    <message>
      <source>Co-event pair: secondary (after the event) L1.1 product</source>
      <translation>災害時ペア: 相手側(災害後)のレベル1.1プロダクト</translation>
    </message>
    <message>
      <source>The acquisition after the event.</source>
      <translation>災害後の観測。</translation>
    </message>
    <message>
      <source>Or: pre-event interferogram product</source>
      <translation>または: 災害前ペアの干渉プロダクト</translation>
    </message>
    <message>
      <source>An interferogram product of palsar2:interferogram (its metadata JSON or any of its files), instead of L1.1 products.</source>
      <translation>レベル1.1プロダクトの代わりに palsar2:interferogram の干渉プロダクト(メタデータJSONまたは任意のファイル)。</translation>
    </message>
    <message>
      <source>Or: co-event interferogram product</source>
      <translation>または: 災害時ペアの干渉プロダクト</translation>
    </message>
    <message>
      <source>The interferogram product of the pair spanning the event.</source>
      <translation>災害をはさむペアの干渉プロダクト。</translation>
    </message>
    <message>
      <source>Polarisation</source>
      <translation>偏波</translation>
    </message>
    <message>
      <source>0 = HH, 1 = HV, 2 = VH, 3 = VV; all products must have it.</source>
      <translation>0 = HH、1 = HV、2 = VH、3 = VV。すべてのプロダクトにその偏波が必要です。</translation>
    </message>
    <message>
      <source>Looks in azimuth (0 = from the pixel size)</source>
      <translation>アジマス方向のルック数(0 = ピクセルサイズから)</translation>
    </message>
    <message>
      <source>Looks in range (0 = from the pixel size)</source>
      <translation>レンジ方向のルック数(0 = ピクセルサイズから)</translation>
    </message>
    <message>
      <source>Multilook window of both pairs; the coherence is estimated on it.</source>
      <translation>両ペアのマルチルックの窓。コヒーレンスはこの窓で推定します。</translation>
    </message>
    <message>
      <source>Significant coherence loss (0-1)</source>
      <translation>有意なコヒーレンス低下(0〜1)</translation>
    </message>
    <message>
      <source>A drop of coherence of at least this much counts as significant loss.</source>
      <translation>この値以上のコヒーレンスの低下を有意な低下とします。</translation>
    </message>
    <message>
      <source>Least pre-event coherence (0-1)</source>
      <translation>災害前コヒーレンスの最小値(0〜1)</translation>
    </message>
    <message>
      <source>Only ground at least this coherent before the event can show a loss.</source>
      <translation>災害前のコヒーレンスがこの値以上の場所だけが低下を示せます。</translation>
    </message>
    <message>
      <source>Smallest loss region (pixels)</source>
      <translation>最小の低下領域(ピクセル)</translation>
    </message>
    <message>
      <source>Loss regions with fewer pixels are ignored.</source>
      <translation>これより画素数の少ない低下領域は除きます。</translation>
    </message>
    <message>
      <source>Folder for the two interferogram products</source>
      <translation>2つの干渉プロダクトの保存先フォルダ</translation>
    </message>
    <message>
      <source>Where the pre-event and co-event interferogram products are written (L1.1 inputs).</source>
      <translation>災害前ペアと災害時ペアの干渉プロダクトの保存先(レベル1.1を入力する場合)。</translation>
    </message>
    <message>
      <source>Coherence loss (pre − co)</source>
      <translation>コヒーレンス低下(災害前 − 災害時)</translation>
    </message>
    <message>
      <source>Pre-event minus co-event coherence, −1…1; positive = loss.</source>
      <translation>災害前コヒーレンスから災害時コヒーレンスを引いた値、−1〜1。正 = 低下。</translation>
    </message>
    <message>
      <source>Significant loss polygons</source>
      <translation>有意な低下のポリゴン</translation>
    </message>
    <message>
      <source>Polygons of significant coherence loss with area (m²), mean loss and pixel count.</source>
      <translation>有意なコヒーレンス低下のポリゴン(面積 m²、平均低下量、画素数)。</translation>
    </message>
    <message>
      <source>Pre-event coherence</source>
      <translation>災害前コヒーレンス</translation>
    </message>
    <message>
      <source>Co-event coherence</source>
      <translation>災害時コヒーレンス</translation>
    </message>
    <message>
      <source>Pixels of significant loss</source>
      <translation>有意な低下の画素数</translation>
    </message>
    <message>
      <source>Area of the loss polygons (m²)</source>
      <translation>低下ポリゴンの面積(m²)</translation>
    </message>
    <message>
      <source>Number of loss polygons</source>
      <translation>低下ポリゴンの数</translation>
    </message>
    <message>
      <source>Give either L1.1 products or two interferogram products, not both.</source>
      <translation>レベル1.1プロダクトか2つの干渉プロダクトのどちらか一方を指定してください。</translation>
    </message>
    <message>
      <source>Give the L1.1 products (PRE_REFERENCE, PRE_SECONDARY, CO_SECONDARY, optionally CO_REFERENCE) or two interferogram products (PRE_INTERFEROGRAM, CO_INTERFEROGRAM).</source>
      <translation>レベル1.1プロダクト(PRE_REFERENCE、PRE_SECONDARY、CO_SECONDARY、必要ならCO_REFERENCE)または2つの干渉プロダクト(PRE_INTERFEROGRAM、CO_INTERFEROGRAM)を指定してください。</translation>
    </message>
    <message>
      <source>Give the L1.1 product(s) {}.</source>
      <translation>レベル1.1プロダクト {} を指定してください。</translation>
    </message>
    <message>
      <source>Pre-event pair {}, co-event pair {}</source>
      <translation>災害前ペア {}、災害時ペア {}</translation>
    </message>
    <message>
      <source>Valid pixels: {}, significant loss: {} pixels, {} polygons, {:.0f} m²</source>
      <translation>有効画素: {}、有意な低下: {} 画素、ポリゴン {} 個、{:.0f} m²</translation>
    </message>
  </context>
  <context>
    <name>CorrectionParameters</name>
    <message>
      <source>DEM</source>
      <translation>DEM</translation>
    </message>
    <message>
      <source>A raster of terrain heights covering the scene, in any CRS.</source>
      <translation>シーン全体を覆う地形の標高のラスタ (CRS は任意)。</translation>
    </message>
    <message>
      <source>DEM height reference</source>
      <translation>DEM の高さの基準</translation>
    </message>
    <message>
      <source>EGM96 geoid</source>
      <translation>EGM96 ジオイド</translation>
    </message>
    <message>
      <source>EGM2008 geoid</source>
      <translation>EGM2008 ジオイド</translation>
    </message>
    <message>
      <source>WGS84 ellipsoid</source>
      <translation>WGS84 楕円体</translation>
    </message>
    <message>
      <source>What the DEM heights are measured from (SRTM/ASTER: EGM96).</source>
      <translation>DEM の標高の基準面 (SRTM/ASTER: EGM96)。</translation>
    </message>
    <message>
      <source>Output CRS (empty = UTM of the scene centre)</source>
      <translation>出力 CRS (空欄 = シーン中心の UTM)</translation>
    </message>
    <message>
      <source>A projected CRS in metres; empty chooses the UTM zone of the scene centre.</source>
      <translation>メートル単位の投影 CRS。空欄にするとシーン中心の UTM ゾーンを使います。</translation>
    </message>
    <message>
      <source>Pixel size (m)</source>
      <translation>ピクセルサイズ (m)</translation>
    </message>
    <message>
      <source>Output pixel size in metres (JAXA L2.2: 25 m).</source>
      <translation>出力のピクセルサイズ (メートル。JAXA の L2.2 は 25 m)。</translation>
    </message>
    <message>
      <source>Area of interest (empty = whole scene)</source>
      <translation>対象領域 (空欄 = シーン全体)</translation>
    </message>
    <message>
      <source>Limit the product to this extent (clipped to the scene).</source>
      <translation>プロダクトをこの領域に限定します (シーンの範囲内に切り詰め)。</translation>
    </message>
    <message>
      <source>Polarisations (none = all)</source>
      <translation>偏波 (指定なし = すべて)</translation>
    </message>
    <message>
      <source>gamma0 layers to make; leave empty for all the product has.</source>
      <translation>γ⁰ レイヤを作成する偏波。空欄にするとプロダクトのすべての偏波について作成します。</translation>
    </message>
    <message>
      <source>DEM oversampling for the area computation</source>
      <translation>散乱面積計算の DEM オーバーサンプリング</translation>
    </message>
    <message>
      <source>DEM facets per output pixel side (2 = 12.5 m facets for 25 m pixels).</source>
      <translation>出力ピクセル 1 辺あたりの DEM ファセット数 (2 = 25 m ピクセルに 12.5 m のファセット)。</translation>
    </message>
    <message>
      <source>Choose a DEM raster layer.</source>
      <translation>DEMのラスタレイヤを選んでください。</translation>
    </message>
    <message>
      <source>The DEM must be a raster file GDAL reads (not a web service); save it as a GeoTIFF first.</source>
      <translation>DEMはGDALで読めるラスタファイルである必要があります(Webサービスは不可)。先にGeoTIFFとして保存してください。</translation>
    </message>
    <message>
      <source>Choose a projected CRS in metres (e.g. UTM), or leave CRS empty.</source>
      <translation>メートル単位の投影座標系(UTMなど)を選ぶか、CRSを空にしてください。</translation>
    </message>
  </context>
  <context>
    <name>Dependencies</name>
    <message>
      <source>Raster › PALSAR-2 ScanSAR › Python packages…</source>
      <translation>ラスタ › PALSAR-2 ScanSAR › Python パッケージ…</translation>
    </message>
    <message>
      <source>speed: compiled terrain correction and multilooking, about twice as fast as the numpy path used without it</source>
      <translation>速度: 斜面勾配補正とマルチルックをコンパイルして実行します (これがない場合に使う numpy 版の約 2 倍の速さ)</translation>
    </message>
    <message>
      <source>SFTP downloads (G-Portal)</source>
      <translation>SFTP でのダウンロード (G-Portal)</translation>
    </message>
    <message>
      <source>Dask clusters: batch terrain correction on a local cluster or a remote scheduler</source>
      <translation>Dask クラスタ: ローカルのクラスタまたはリモートのスケジューラでの一括斜面勾配補正</translation>
    </message>
    <message>
      <source>phase unwrapping: the interferogram's line-of-sight displacement</source>
      <translation>位相アンラッピング: 干渉画像からの視線方向変位</translation>
    </message>
    <message>
      <source>{package} is not installed (optional: {purpose}). Install it from {menu}.</source>
      <translation>{package} がインストールされていません (任意: {purpose})。{menu} からインストールできます。</translation>
    </message>
    <message>
      <source>QGIS's Python lacks {packages}, so these tools cannot run: {tools}.</source>
      <translation>QGIS の Python に {packages} がないため、次のツールを実行できません: {tools}。</translation>
    </message>
    <message>
      <source>QGIS's Python lacks {packages}.</source>
      <translation>QGIS の Python に {packages} がありません。</translation>
    </message>
    <message>
      <source>Install it from {menu} (instructions for your system and an Install button) or run: {command} - then restart QGIS.</source>
      <translation>{menu} (お使いのシステム向けの手順と「インストール」ボタン) からインストールするか、次を実行してください: {command} - その後 QGIS を再起動してください。</translation>
    </message>
    <message>
      <source>Import error: {}</source>
      <translation>インポートエラー: {}</translation>
    </message>
  </context>
  <context>
    <name>DependencyDialog</name>
    <message>
      <source>PALSAR-2 ScanSAR</source>
      <translation>PALSAR-2 ScanSAR</translation>
    </message>
    <message>
      <source>Install…</source>
      <translation>インストール…</translation>
    </message>
    <message>
      <source>PALSAR-2 ScanSAR: Python packages</source>
      <translation>PALSAR-2 ScanSAR: Python パッケージ</translation>
    </message>
    <message>
      <source>not found</source>
      <translation>見つかりません</translation>
    </message>
    <message>
      <source>The plugin needs numpy, rasterio, pyproj and requests; numba, paramiko, Dask and snaphu add speed, SFTP downloads, clusters and phase unwrapping. QGIS's Python: {}</source>
      <translation>このプラグインには numpy、rasterio、pyproj、requests が必要です。numba、paramiko、Dask、snaphu があると、速度、SFTP でのダウンロード、クラスタ、位相アンラッピングが加わります。QGIS の Python: {}</translation>
    </message>
    <message>
      <source>Package</source>
      <translation>パッケージ</translation>
    </message>
    <message>
      <source>Status</source>
      <translation>状態</translation>
    </message>
    <message>
      <source>Needed for</source>
      <translation>必要とする機能</translation>
    </message>
    <message>
      <source>Instructions for:</source>
      <translation>手順の対象:</translation>
    </message>
    <message>
      <source>Windows (OSGeo4W Shell)</source>
      <translation>Windows (OSGeo4W Shell)</translation>
    </message>
    <message>
      <source>macOS (the QGIS application's Python)</source>
      <translation>macOS (QGIS アプリケーション内の Python)</translation>
    </message>
    <message>
      <source>Debian / Ubuntu</source>
      <translation>Debian / Ubuntu</translation>
    </message>
    <message>
      <source>Fedora</source>
      <translation>Fedora</translation>
    </message>
    <message>
      <source>conda (conda-forge)</source>
      <translation>conda (conda-forge)</translation>
    </message>
    <message>
      <source>pip for this QGIS's Python</source>
      <translation>この QGIS の Python の pip</translation>
    </message>
    <message>
      <source>Copy commands</source>
      <translation>コマンドをコピー</translation>
    </message>
    <message>
      <source>Install</source>
      <translation>インストール</translation>
    </message>
    <message>
      <source>(optional)</source>
      <translation>(任意)</translation>
    </message>
    <message>
      <source>installed: restart QGIS to use it</source>
      <translation>インストール済み: 使うには QGIS を再起動してください</translation>
    </message>
    <message>
      <source>installed</source>
      <translation>インストール済み</translation>
    </message>
    <message>
      <source>missing</source>
      <translation>ありません</translation>
    </message>
    <message>
      <source>cannot be imported: {}</source>
      <translation>インポートできません: {}</translation>
    </message>
    <message>
      <source>Installing…</source>
      <translation>インストール中…</translation>
    </message>
    <message>
      <source>QGIS's Python interpreter was not found next to QGIS: run the commands above instead.</source>
      <translation>QGIS の Python インタプリタが QGIS の隣に見つかりません: 代わりに上のコマンドを実行してください。</translation>
    </message>
    <message>
      <source>QGIS runs in a conda environment: install the packages with conda (the command above).</source>
      <translation>QGIS は conda 環境で動いています: パッケージは conda でインストールしてください (上のコマンド)。</translation>
    </message>
    <message>
      <source>This Python belongs to your Linux distribution, which does not let pip change it: install the packages with its package manager (the command above).</source>
      <translation>この Python は Linux ディストリビューションが管理しており、pip では変更できません: ディストリビューションのパッケージマネージャでインストールしてください (上のコマンド)。</translation>
    </message>
    <message>
      <source>Nothing to install: tick the packages to install.</source>
      <translation>インストールするものがありません: インストールするパッケージにチェックを入れてください。</translation>
    </message>
    <message>
      <source>Every package is installed.</source>
      <translation>すべてのパッケージがインストール済みです。</translation>
    </message>
    <message>
      <source>Start menu › QGIS › OSGeo4W Shell (right-click › Run as administrator if QGIS was installed for all users), then:</source>
      <translation>スタートメニュー › QGIS › OSGeo4W Shell (QGIS をすべてのユーザー向けにインストールした場合は右クリック › 管理者として実行) を開き、次を実行します:</translation>
    </message>
    <message>
      <source>In Terminal, with the Python inside the QGIS application (the first line only if pip is missing):</source>
      <translation>ターミナルで、QGIS アプリケーション内の Python を使って (1 行目は pip がない場合のみ):</translation>
    </message>
    <message>
      <source>In a terminal (QGIS from Debian's or Ubuntu's packages, or from qgis.org's repository):</source>
      <translation>ターミナルで (Debian または Ubuntu のパッケージ、あるいは qgis.org のリポジトリの QGIS の場合):</translation>
    </message>
    <message>
      <source>In a terminal:</source>
      <translation>ターミナルで:</translation>
    </message>
    <message>
      <source>In a terminal, in the conda environment QGIS runs in (conda activate …):</source>
      <translation>ターミナルで、QGIS が動いている conda 環境 (conda activate …) の中で:</translation>
    </message>
    <message>
      <source>In a terminal, with QGIS's own Python:</source>
      <translation>ターミナルで、QGIS 自身の Python を使って:</translation>
    </message>
    <message>
      <source>Then restart QGIS.</source>
      <translation>その後 QGIS を再起動してください。</translation>
    </message>
    <message>
      <source>Run pip for QGIS's Python in the background (task manager).</source>
      <translation>QGIS の Python の pip をバックグラウンドで実行します (タスクマネージャ)。</translation>
    </message>
    <message>
      <source>Installed: {}. Restart QGIS to use them.</source>
      <translation>インストールしました: {}。使うには QGIS を再起動してください。</translation>
    </message>
    <message>
      <source>The installation failed.</source>
      <translation>インストールに失敗しました。</translation>
    </message>
    <message>
      <source>Restart QGIS</source>
      <translation>QGIS の再起動</translation>
    </message>
    <message>
      <source>The packages are installed. QGIS must restart to use them. Restart now?</source>
      <translation>パッケージをインストールしました。使うには QGIS の再起動が必要です。今すぐ再起動しますか?</translation>
    </message>
  </context>
  <context>
    <name>DownloadScenesAlgorithm</name>
    <message>
      <source>Feature {} of the scenes layer has unreadable record attributes ({}): use the footprints written by 'Search PALSAR-2 scenes'.</source>
      <translation>シーンレイヤの地物 {} の属性を読み取れません({})。「PALSAR-2シーンの検索」が出力したフットプリントを使ってください。</translation>
    </message>
    <message>
      <source>Download PALSAR-2 scenes</source>
      <translation>PALSAR-2 シーンのダウンロード</translation>
    </message>
    <message>
      <source>download</source>
      <translation>ダウンロード</translation>
    </message>
    <message>
      <source>G-Portal</source>
      <translation>G-Portal</translation>
    </message>
    <message>
      <source>SFTP</source>
      <translation>SFTP</translation>
    </message>
    <message>
      <source>HTTPS</source>
      <translation>HTTPS</translation>
    </message>
    <message>
      <source>open data</source>
      <translation>オープンデータ</translation>
    </message>
    <message>
      <source>resume</source>
      <translation>再開 (レジューム)</translation>
    </message>
    <message>
      <source>Scenes (footprints from a search)</source>
      <translation>シーン (検索結果の観測範囲)</translation>
    </message>
    <message>
      <source>Destination folder</source>
      <translation>保存先フォルダ</translation>
    </message>
    <message>
      <source>Authentication (G-Portal)</source>
      <translation>認証 (G-Portal)</translation>
    </message>
    <message>
      <source>Transport</source>
      <translation>転送方式</translation>
    </message>
    <message>
      <source>Automatic</source>
      <translation>自動</translation>
    </message>
    <message>
      <source>SFTP (G-Portal)</source>
      <translation>SFTP (G-Portal)</translation>
    </message>
    <message>
      <source>Service URL (overrides the server)</source>
      <translation>サービス URL (既定のサーバの代わりに使用)</translation>
    </message>
    <message>
      <source>SFTP user name</source>
      <translation>SFTP ユーザ名</translation>
    </message>
    <message>
      <source>SFTP path rule</source>
      <translation>SFTP パス規則</translation>
    </message>
    <message>
      <source>Parallel transfers</source>
      <translation>同時転送数</translation>
    </message>
    <message>
      <source>Downloaded products (folders)</source>
      <translation>ダウンロードしたプロダクト (フォルダ)</translation>
    </message>
    <message>
      <source>First downloaded product</source>
      <translation>ダウンロードしたプロダクト (1 件目)</translation>
    </message>
    <message>
      <source>Number of products</source>
      <translation>プロダクト数</translation>
    </message>
    <message>
      <source>Verification</source>
      <translation>検証</translation>
    </message>
    <message>
      <source>Unverified files</source>
      <translation>未検証のファイル</translation>
    </message>
    <message>
      <source>No scenes to download: the layer (or its selection) is empty.</source>
      <translation>ダウンロードするシーンがありません: レイヤ (またはその選択) が空です。</translation>
    </message>
    <message>
      <source>Downloading {} products over {} into {} ({} at a time).</source>
      <translation>{} 件のプロダクトを {} で {} にダウンロードしています (同時に {} 件)。</translation>
    </message>
    <message>
      <source>{} files verified by MD5 checksum, {} by ETag, {} unverified.</source>
      <translation>MD5チェックサムで検証したファイル {} 個、ETagで検証したファイル {} 個、未検証 {} 個。</translation>
    </message>
    <message>
      <source>Unverified (complete by size only: the source gives no checksum or strong ETag to check their content against): {}</source>
      <translation>未検証(サイズのみで完了を判定。配信元が内容を照合するチェックサムや強いETagを提供していません): {}</translation>
    </message>
    <message>
      <source>{} products ready ({}). Data provided by JAXA.</source>
      <translation>{} 個のプロダクトを用意しました({})。提供:JAXA</translation>
    </message>
    <message>
      <source>The credentials of the authentication configuration are sent only over HTTPS to {}; files on {} are downloaded without them.</source>
      <translation>認証設定の認証情報はHTTPSで {} にのみ送ります。{} 上のファイルは認証情報なしでダウンロードします。</translation>
    </message>
  </context>
  <context>
    <name>EventActionsInterferogram</name>
    <message>
      <source>DEM covering the scene (heights above the EGM96 geoid)</source>
      <translation>シーンを覆うDEM(EGM96ジオイドからの高さ)</translation>
    </message>
    <message>
      <source>Rasters (*.tif *.tiff *.vrt *.img *.hgt *.dem);;All files (*)</source>
      <translation>ラスタ (*.tif *.tiff *.vrt *.img *.hgt *.dem);;すべてのファイル (*)</translation>
    </message>
    <message>
      <source>No L1.1 product of the scene {} ({}) in {}: download it first.</source>
      <translation>{}({})のレベル1.1プロダクトが {} にありません。先にダウンロードしてください。</translation>
    </message>
    <message>
      <source>No L1.1 product of the archive scene of {} ({}) in {}: download it first.</source>
      <translation>{} のアーカイブシーン({})のレベル1.1プロダクトが {} にありません。先にダウンロードしてください。</translation>
    </message>
    <message>
      <source>An interferogram needs a DEM of the scene's area: choose one.</source>
      <translation>干渉解析にはシーンの範囲のDEMが必要です。選択してください。</translation>
    </message>
    <message>
      <source>Interferogram failed: {}</source>
      <translation>干渉解析に失敗しました: {}</translation>
    </message>
    <message>
      <source>Interferogram of {} (archive) and {} (event) in the background…</source>
      <translation>{}(アーカイブ)と {}(災害後)の干渉解析をバックグラウンドで実行中…</translation>
    </message>
    <message>
      <source>Interferogram done: {}</source>
      <translation>干渉解析が完了しました: {}</translation>
    </message>
    <message>
      <source>JAXA releases no L1.1 (complex) product of this scene: an interferogram needs one.</source>
      <translation>JAXAはこのシーンのレベル1.1(複素数)プロダクトを提供していません。干渉解析にはそれが必要です。</translation>
    </message>
    <message>
      <source>This scene has no archive L1.1 scene paired with it for interferometry.</source>
      <translation>このシーンには干渉解析用に組み合わせたアーカイブのレベル1.1シーンがありません。</translation>
    </message>
    <message>
      <source>&amp;Interferogram</source>
      <translation>干渉解析(&amp;I)</translation>
    </message>
    <message>
      <source>Interferogram of the scene's L1.1 product with its archive scene's, in the background (needs both in the data folder and a DEM)</source>
      <translation>このシーンとアーカイブシーンのレベル1.1プロダクトの干渉解析をバックグラウンドで実行します(両方がデータフォルダにあることとDEMが必要)</translation>
    </message>
  </context>
  <context>
    <name>EventActionsLoad</name>
    <message>
      <source>Folder with downloaded or processed PALSAR-2 products</source>
      <translation>ダウンロード済みまたは処理済みの PALSAR-2 プロダクトがあるフォルダ</translation>
    </message>
    <message>
      <source>No product of scene {} ({}) in {}: download or process it first.</source>
      <translation>シーン {} ({}) のプロダクトが {} にありません: 先にダウンロードまたは処理してください。</translation>
    </message>
    <message>
      <source>Loaded {}; no archive product found for the dates {}.</source>
      <translation>{} を読み込みました。観測日 {} のアーカイブデータのプロダクトは見つかりませんでした。</translation>
    </message>
    <message>
      <source>{} and {} share no polarisation; cannot compare.</source>
      <translation>{} と {} には共通の偏波がないため、比較できません。</translation>
    </message>
    <message>
      <source>Change detection failed: {}</source>
      <translation>変化抽出に失敗しました: {}</translation>
    </message>
    <message>
      <source>Comparing {} with {} in the background…</source>
      <translation>{} と {} をバックグラウンドで比較しています…</translation>
    </message>
    <message>
      <source>log-ratio {} [dB]</source>
      <translation>対数比 {} [dB]</translation>
    </message>
    <message>
      <source>changes {} (±{:g} dB)</source>
      <translation>変化 {} (±{:g} dB)</translation>
    </message>
    <message>
      <source>Change detection done: {}</source>
      <translation>変化抽出が完了しました: {}</translation>
    </message>
  </context>
  <context>
    <name>EventDock</name>
    <message>
      <source>Search, download</source>
      <translation>検索・ダウンロード</translation>
    </message>
    <message>
      <source>G-Portal order</source>
      <translation>G-Portalで注文</translation>
    </message>
    <message>
      <source>JAXA web page</source>
      <translation>JAXAのWebページ</translation>
    </message>
    <message>
      <source>In JAXA's open-data bucket: Search shows its footprints and Download fetches it with its archive scene.</source>
      <translation>JAXAのオープンデータ(バケット)にあります: 「検索」で観測範囲を表示し、「ダウンロード」でアーカイブデータとともに取得します。</translation>
    </message>
    <message>
      <source>Order it on G-Portal (free after registering), put it in the data folder, then Load it.</source>
      <translation>G-Portalで注文し(利用登録後、無償)、データフォルダに置いてから「読み込み」してください。</translation>
    </message>
    <message>
      <source>Download it from the Download column of JAXA's web page, put it in the data folder, then Load it.</source>
      <translation>JAXAのWebページのダウンロード欄から取得し、データフォルダに置いてから「読み込み」してください。</translation>
    </message>
    <message>
      <source>This scene is not in the open-data bucket: order it on G-Portal (Open G-Portal).</source>
      <translation>このシーンはオープンデータ(バケット)にありません: G-Portalで注文してください(「G-Portalを開く」)。</translation>
    </message>
    <message>
      <source>This scene is not in the open-data bucket: download it from JAXA's web page (Open JAXA page).</source>
      <translation>このシーンはオープンデータ(バケット)にありません: JAXAのWebページからダウンロードしてください(「JAXAのページを開く」)。</translation>
    </message>
    <message>
      <source>Sea&amp;rch</source>
      <translation>検索(&amp;R)</translation>
    </message>
    <message>
      <source>Find this scene and its archive scene in the open-data bucket and show their footprints</source>
      <translation>このシーンとアーカイブデータをオープンデータ(バケット)で検索し、観測範囲(フットプリント)を表示します</translation>
    </message>
    <message>
      <source>Re&amp;fresh listing</source>
      <translation>一覧を更新(&amp;F)</translation>
    </message>
    <message>
      <source>List the scene's folder in the bucket again now (a listing is otherwise reused for a day)</source>
      <translation>このシーンのバケット内フォルダを今すぐ一覧し直します(通常、一覧は1日間再利用します)</translation>
    </message>
    <message>
      <source>&amp;Download</source>
      <translation>ダウンロード(&amp;D)</translation>
    </message>
    <message>
      <source>Download the scene and its archive (pre-event) scene into the download folder</source>
      <translation>シーンとアーカイブデータ(発災前)をダウンロードフォルダにダウンロードします</translation>
    </message>
    <message>
      <source>&amp;Load</source>
      <translation>読み込み(&amp;L)</translation>
    </message>
    <message>
      <source>Load the scene and its archive scene from the data folder and compare them (change detection)</source>
      <translation>データフォルダからシーンとアーカイブデータを読み込み、比較します(変化抽出)</translation>
    </message>
    <message>
      <source>Event</source>
      <translation>災害</translation>
    </message>
    <message>
      <source>Date</source>
      <translation>観測日</translation>
    </message>
    <message>
      <source>Path</source>
      <translation>パス</translation>
    </message>
    <message>
      <source>Frame</source>
      <translation>フレーム</translation>
    </message>
    <message>
      <source>Beam</source>
      <translation>ビーム</translation>
    </message>
    <message>
      <source>Mode</source>
      <translation>観測モード</translation>
    </message>
    <message>
      <source>Pass</source>
      <translation>北行/南行</translation>
    </message>
    <message>
      <source>Products</source>
      <translation>プロダクト</translation>
    </message>
    <message>
      <source>Archive</source>
      <translation>アーカイブ</translation>
    </message>
    <message>
      <source>Polarisation</source>
      <translation>偏波</translation>
    </message>
    <message>
      <source>Get data</source>
      <translation>データの入手</translation>
    </message>
    <message>
      <source>ScanSAR</source>
      <translation>広域観測モード (ScanSAR)</translation>
    </message>
    <message>
      <source>Stripmap</source>
      <translation>高分解能モード (Stripmap)</translation>
    </message>
    <message>
      <source>Asc</source>
      <translation>北行</translation>
    </message>
    <message>
      <source>Desc</source>
      <translation>南行</translation>
    </message>
    <message>
      <source>PALSAR-2 disaster data</source>
      <translation>PALSAR-2 災害関連データ</translation>
    </message>
    <message>
      <source>&amp;Event:</source>
      <translation>災害(&amp;E):</translation>
    </message>
    <message>
      <source>All events</source>
      <translation>すべての災害</translation>
    </message>
    <message>
      <source>Show the scenes of one disaster event, or of all events</source>
      <translation>一つの災害、またはすべての災害のシーンを表示します</translation>
    </message>
    <message>
      <source>&amp;Filter:</source>
      <translation>絞り込み(&amp;F):</translation>
    </message>
    <message>
      <source>Date, path, frame, beam, L1.1, Asc/Desc…</source>
      <translation>観測日、パス、フレーム、ビーム、L1.1、Asc/Desc…</translation>
    </message>
    <message>
      <source>Show only the scenes that contain every word typed here</source>
      <translation>ここに入力したすべての語を含むシーンだけを表示します</translation>
    </message>
    <message>
      <source>Settings: data and download folders, layer files, catalogues (Settings › Options › PALSAR-2)</source>
      <translation>設定: データ・ダウンロードフォルダ、レイヤファイル、カタログ(設定 › オプション › PALSAR-2)</translation>
    </message>
    <message>
      <source>PALSAR-2 settings</source>
      <translation>PALSAR-2 の設定</translation>
    </message>
    <message>
      <source>Disaster-event scenes</source>
      <translation>災害関連データのシーン</translation>
    </message>
    <message>
      <source>Scene details</source>
      <translation>シーンの詳細</translation>
    </message>
    <message>
      <source>Open &amp;page</source>
      <translation>ページを開く(&amp;P)</translation>
    </message>
    <message>
      <source>Terms of use</source>
      <translation>利用条件</translation>
    </message>
    <message>
      <source>{} (no room: widen the panel)</source>
      <translation>{}(表示する幅がありません: パネルを広げてください)</translation>
    </message>
    <message>
      <source>Not available.</source>
      <translation>利用できません。</translation>
    </message>
    <message>
      <source>Select a scene first.</source>
      <translation>先にシーンを選択してください。</translation>
    </message>
    <message>
      <source>{shown} of {total} scenes</source>
      <translation>{total} シーン中 {shown} シーンを表示</translation>
    </message>
    <message>
      <source>Open G-&amp;Portal</source>
      <translation>G-Portalを開く(&amp;P)</translation>
    </message>
    <message>
      <source>Open JAXA &amp;page</source>
      <translation>JAXAのページを開く(&amp;P)</translation>
    </message>
    <message>
      <source>Open {} in the web browser</source>
      <translation>{} をWebブラウザで開きます</translation>
    </message>
    <message>
      <source>This scene is in the open-data bucket: use Search and Download.</source>
      <translation>このシーンはオープンデータ(バケット)にあります: 「検索」と「ダウンロード」を使ってください。</translation>
    </message>
    <message>
      <source>The disaster-event list could not be loaded.</source>
      <translation>災害関連データの一覧を読み込めませんでした。</translation>
    </message>
    <message>
      <source>Select a scene to see its archive (pre-event) scene, how to get its data and its notes.</source>
      <translation>シーンを選択すると、アーカイブデータ(発災前)、データの入手方法、注記を表示します。</translation>
    </message>
    <message>
      <source>Terms</source>
      <translation>利用条件</translation>
    </message>
    <message>
      <source>JAXA pages</source>
      <translation>JAXAのページ</translation>
    </message>
    <message>
      <source>Ascending</source>
      <translation>北行 (Asc)</translation>
    </message>
    <message>
      <source>Descending</source>
      <translation>南行 (Desc)</translation>
    </message>
    <message>
      <source>Right-looking</source>
      <translation>右観測</translation>
    </message>
    <message>
      <source>Left-looking</source>
      <translation>左観測</translation>
    </message>
    <message>
      <source>look side not stated</source>
      <translation>観測方向の記載なし</translation>
    </message>
    <message>
      <source>Not stated</source>
      <translation>記載なし</translation>
    </message>
    <message>
      <source>Observation date</source>
      <translation>観測日</translation>
    </message>
    <message>
      <source>Direction</source>
      <translation>北行/南行</translation>
    </message>
    <message>
      <source>Archive (pre-event) scene</source>
      <translation>アーカイブデータ (発災前)</translation>
    </message>
    <message>
      <source>Distribution</source>
      <translation>提供元</translation>
    </message>
    <message>
      <source>Scene</source>
      <translation>シーン</translation>
    </message>
    <message>
      <source>Archive scene</source>
      <translation>アーカイブシーン</translation>
    </message>
    <message>
      <source>Files</source>
      <translation>ファイル</translation>
    </message>
    <message>
      <source>{} files (+{} archive files)</source>
      <translation>{} ファイル (+ アーカイブ {} ファイル)</translation>
    </message>
    <message>
      <source>Notes</source>
      <translation>注記</translation>
    </message>
  </context>
  <context>
    <name>EventScenesAlgorithm</name>
    <message>
      <source>Disaster-event scene list</source>
      <translation>災害関連データのシーン一覧</translation>
    </message>
    <message>
      <source>disaster</source>
      <translation>災害</translation>
    </message>
    <message>
      <source>earthquake</source>
      <translation>地震</translation>
    </message>
    <message>
      <source>event</source>
      <translation>イベント</translation>
    </message>
    <message>
      <source>scene list</source>
      <translation>シーン一覧</translation>
    </message>
    <message>
      <source>Taiwan</source>
      <translation>台湾</translation>
    </message>
    <message>
      <source>Noto</source>
      <translation>能登</translation>
    </message>
    <message>
      <source>Turkey</source>
      <translation>トルコ</translation>
    </message>
    <message>
      <source>All events</source>
      <translation>すべての災害</translation>
    </message>
    <message>
      <source>2024 Taiwan earthquake (taiwan2024)</source>
      <translation>2024年4月3日 台湾地震 (taiwan2024)</translation>
    </message>
    <message>
      <source>2024 Noto Peninsula earthquake (noto2024)</source>
      <translation>令和6年(2024年)能登半島地震 (noto2024)</translation>
    </message>
    <message>
      <source>2023 Turkey-Syria earthquake (turkey2023)</source>
      <translation>2023年トルコ地震 (turkey2023)</translation>
    </message>
    <message>
      <source>Disaster event</source>
      <translation>災害</translation>
    </message>
    <message>
      <source>Which event's scenes to list: 0 = all, 1 = taiwan2024, 2 = noto2024, 3 = turkey2023.</source>
      <translation>一覧にする災害: 0 = すべて、1 = taiwan2024、2 = noto2024、3 = turkey2023。</translation>
    </message>
    <message>
      <source>Event scenes</source>
      <translation>災害関連データのシーン</translation>
    </message>
    <message>
      <source>The scene table (no geometry when no footprint is known).</source>
      <translation>シーンの表 (観測範囲(フットプリント)が不明な場合はジオメトリなし)。</translation>
    </message>
    <message>
      <source>Number of scenes</source>
      <translation>シーン数</translation>
    </message>
    <message>
      <source>EVENT must be 0 to {}.</source>
      <translation>EVENT は 0 から {} の値にしてください。</translation>
    </message>
    <message>
      <source>Could not write scene {} to the output.</source>
      <translation>シーン {} を出力に書き込めませんでした。</translation>
    </message>
    <message>
      <source>{} scenes listed. Data provided by JAXA.</source>
      <translation>{} シーンを出力しました。提供:JAXA</translation>
    </message>
  </context>
  <context>
    <name>InterferogramAlgorithm</name>
    <message>
      <source>Interferogram, coherence and displacement (InSAR)</source>
      <translation>干渉画像・コヒーレンス・変位(干渉解析 InSAR)</translation>
    </message>
    <message>
      <source>InSAR</source>
      <translation>InSAR</translation>
    </message>
    <message>
      <source>interferometry</source>
      <translation>干渉解析</translation>
    </message>
    <message>
      <source>interferogram</source>
      <translation>干渉画像</translation>
    </message>
    <message>
      <source>coherence</source>
      <translation>コヒーレンス</translation>
    </message>
    <message>
      <source>displacement</source>
      <translation>変位</translation>
    </message>
    <message>
      <source>deformation</source>
      <translation>地殻変動</translation>
    </message>
    <message>
      <source>phase</source>
      <translation>位相</translation>
    </message>
    <message>
      <source>unwrapping</source>
      <translation>位相アンラッピング</translation>
    </message>
    <message>
      <source>SNAPHU</source>
      <translation>SNAPHU</translation>
    </message>
    <message>
      <source>Goldstein</source>
      <translation>Goldstein</translation>
    </message>
    <message>
      <source>L1.1</source>
      <translation>L1.1</translation>
    </message>
    <message>
      <source>earthquake</source>
      <translation>地震</translation>
    </message>
    <message>
      <source>landslide</source>
      <translation>地すべり</translation>
    </message>
    <message>
      <source>Reference: earlier (archive) L1.1 product</source>
      <translation>参照(マスター): 先の(アーカイブの)L1.1プロダクト</translation>
    </message>
    <message>
      <source>The earlier acquisition: L1.1 product folder, zip or any of its files.</source>
      <translation>先の観測: L1.1プロダクトのフォルダ、zip、またはその任意のファイル。</translation>
    </message>
    <message>
      <source>Secondary: later (event) L1.1 product</source>
      <translation>スレーブ: 後の(災害後の)L1.1プロダクト</translation>
    </message>
    <message>
      <source>The later acquisition of the same path, frame and beam.</source>
      <translation>同じパス、フレーム、ビームの後の観測。</translation>
    </message>
    <message>
      <source>All files (*)</source>
      <translation>すべてのファイル (*)</translation>
    </message>
    <message>
      <source>Polarisation</source>
      <translation>偏波</translation>
    </message>
    <message>
      <source>0 = HH, 1 = HV, 2 = VH, 3 = VV; both products must have it.</source>
      <translation>0 = HH、1 = HV、2 = VH、3 = VV。両方のプロダクトにある偏波。</translation>
    </message>
    <message>
      <source>Looks in azimuth (0 = from the pixel size)</source>
      <translation>アジマス方向のルック数(0 = 画素サイズから決定)</translation>
    </message>
    <message>
      <source>Looks in range (0 = from the pixel size)</source>
      <translation>レンジ方向のルック数(0 = 画素サイズから決定)</translation>
    </message>
    <message>
      <source>Multilook window; the coherence is estimated on the same window.</source>
      <translation>マルチルックの窓。コヒーレンスも同じ窓で推定します。</translation>
    </message>
    <message>
      <source>Goldstein filter strength (0 = none)</source>
      <translation>Goldsteinフィルタの強さ(0 = なし)</translation>
    </message>
    <message>
      <source>Adaptive phase filter (Goldstein &amp; Werner 1998); the coherence is not filtered.</source>
      <translation>適応型の位相フィルタ(Goldstein &amp; Werner 1998)。コヒーレンスにはかけません。</translation>
    </message>
    <message>
      <source>Unwrap the phase and make the displacement (needs the snaphu package)</source>
      <translation>位相アンラッピングして変位を作る(snaphuパッケージが必要)</translation>
    </message>
    <message>
      <source>SNAPHU phase unwrapping: python3 -m pip install snaphu (Linux, macOS).</source>
      <translation>SNAPHUによる位相アンラッピング: python3 -m pip install snaphu(Linux、macOS)。</translation>
    </message>
    <message>
      <source>Output folder</source>
      <translation>出力フォルダ</translation>
    </message>
    <message>
      <source>The interferogram product folder is created inside this folder.</source>
      <translation>このフォルダの中に干渉画像プロダクトのフォルダを作ります。</translation>
    </message>
    <message>
      <source>Wrapped phase (radians)</source>
      <translation>干渉位相(ラジアン)</translation>
    </message>
    <message>
      <source>Coherence</source>
      <translation>コヒーレンス</translation>
    </message>
    <message>
      <source>Line-of-sight displacement (m)</source>
      <translation>衛星視線方向の変位(m)</translation>
    </message>
    <message>
      <source>Interferogram metadata (JSON)</source>
      <translation>干渉画像のメタデータ(JSON)</translation>
    </message>
    <message>
      <source>Give both the REFERENCE and the SECONDARY L1.1 product.</source>
      <translation>REFERENCEとSECONDARYの両方のL1.1プロダクトを指定してください。</translation>
    </message>
    <message>
      <source>Perpendicular baseline {:.0f} m, temporal baseline {:.1f} days</source>
      <translation>垂直基線長 {:.0f} m、時間基線 {:.1f} 日</translation>
    </message>
    <message>
      <source>Beam {}: coregistration offset {:.3f} lines, {:.3f} pixels; residual {:.3f} / {:.3f} px</source>
      <translation>ビーム {}: 位置合わせのずれ {:.3f} ライン、{:.3f} ピクセル。残差 {:.3f} / {:.3f} 画素</translation>
    </message>
    <message>
      <source>Beam {}: azimuth common-band filter applied, {:.0f} % of the azimuth band kept</source>
      <translation>ビーム {}: アジマスの共通帯域フィルタを適用しました。アジマス帯域の {:.0f} % を残しました</translation>
    </message>
    <message>
      <source>Interferogram written to {}</source>
      <translation>干渉画像を書き出しました: {}</translation>
    </message>
  </context>
  <context>
    <name>InterferogramLayers</name>
    <message>
      <source>LOS displacement (m)</source>
      <translation>衛星視線方向の変位 (m)</translation>
    </message>
    <message>
      <source>phase (rad)</source>
      <translation>干渉位相 (rad)</translation>
    </message>
    <message>
      <source>coherence</source>
      <translation>コヒーレンス</translation>
    </message>
    <message>
      <source>unwrapped phase (rad)</source>
      <translation>アンラップ位相 (rad)</translation>
    </message>
    <message>
      <source>mean backscatter γ⁰</source>
      <translation>平均後方散乱係数 γ⁰</translation>
    </message>
    <message>
      <source>data mask</source>
      <translation>データマスク</translation>
    </message>
    <message>
      <source>look angle (°)</source>
      <translation>視野角 (°)</translation>
    </message>
    <message>
      <source>incidence angle (°)</source>
      <translation>入射角 (°)</translation>
    </message>
    <message>
      <source>local incidence angle (°)</source>
      <translation>局所入射角 (°)</translation>
    </message>
    <message>
      <source>ALOS-2 PALSAR-2 interferogram {} → {}, {}; displacement d = −λ·φ/(4π), positive towards the satellite; one fringe = {:.3f} m.</source>
      <translation>ALOS-2 PALSAR-2 干渉画像 {} → {}、{}。変位 d = −λ·φ/(4π)、衛星に近づく向きが正。1フリンジ = {:.3f} m。</translation>
    </message>
  </context>
  <context>
    <name>LoadInterferogramAlgorithm</name>
    <message>
      <source>Load interferogram product as layers</source>
      <translation>干渉プロダクトをレイヤとして読み込む</translation>
    </message>
    <message>
      <source>InSAR</source>
      <translation>InSAR</translation>
    </message>
    <message>
      <source>interferogram</source>
      <translation>干渉画像</translation>
    </message>
    <message>
      <source>coherence</source>
      <translation>コヒーレンス</translation>
    </message>
    <message>
      <source>displacement</source>
      <translation>変位</translation>
    </message>
    <message>
      <source>phase</source>
      <translation>位相</translation>
    </message>
    <message>
      <source>load</source>
      <translation>読み込み</translation>
    </message>
    <message>
      <source>style</source>
      <translation>スタイル</translation>
    </message>
    <message>
      <source>Interferogram product (metadata JSON or any file)</source>
      <translation>干渉プロダクト(メタデータJSONまたは任意のファイル)</translation>
    </message>
    <message>
      <source>Interferogram products (*.json *.tif);;All files (*)</source>
      <translation>干渉プロダクト (*.json *.tif);;すべてのファイル (*)</translation>
    </message>
    <message>
      <source>The product folder's metadata JSON, its STAC item or any of its files.</source>
      <translation>プロダクトフォルダのメタデータJSON、STACアイテム、またはその中の任意のファイル。</translation>
    </message>
    <message>
      <source>Also load the unwrapped phase, backscatter, mask and angles</source>
      <translation>アンラップ位相、後方散乱係数、マスク、角度も読み込む</translation>
    </message>
    <message>
      <source>Load every layer of the product, not only phase, coherence and displacement.</source>
      <translation>干渉位相、コヒーレンス、変位だけでなく、プロダクトのすべてのレイヤを読み込みます。</translation>
    </message>
    <message>
      <source>Layers</source>
      <translation>レイヤ</translation>
    </message>
    <message>
      <source>Wrapped phase (radians)</source>
      <translation>干渉位相(ラジアン)</translation>
    </message>
    <message>
      <source>Coherence</source>
      <translation>コヒーレンス</translation>
    </message>
    <message>
      <source>Line-of-sight displacement (m)</source>
      <translation>衛星視線方向の変位 (m)</translation>
    </message>
    <message>
      <source>Product</source>
      <translation>プロダクト</translation>
    </message>
    <message>
      <source>Interferogram metadata (JSON)</source>
      <translation>干渉画像のメタデータ (JSON)</translation>
    </message>
    <message>
      <source>Give an interferogram product (its metadata JSON or any file) as INPUT.</source>
      <translation>INPUT に干渉プロダクト(メタデータJSONまたは任意のファイル)を指定してください。</translation>
    </message>
    <message>
      <source>{}: {} layer(s)</source>
      <translation>{}: {} レイヤ</translation>
    </message>
  </context>
  <context>
    <name>LoadNrbAlgorithm</name>
    <message>
      <source>Load NRB product as layers</source>
      <translation>NRB プロダクトをレイヤとして読み込み</translation>
    </message>
    <message>
      <source>NRB</source>
      <translation>NRB</translation>
    </message>
    <message>
      <source>L2.2</source>
      <translation>L2.2</translation>
    </message>
    <message>
      <source>L2.1</source>
      <translation>L2.1</translation>
    </message>
    <message>
      <source>CEOS-ARD</source>
      <translation>CEOS-ARD</translation>
    </message>
    <message>
      <source>gamma0</source>
      <translation>ガンマノート (gamma0)</translation>
    </message>
    <message>
      <source>sigma0</source>
      <translation>シグマノート (sigma0)</translation>
    </message>
    <message>
      <source>backscatter</source>
      <translation>後方散乱係数</translation>
    </message>
    <message>
      <source>load</source>
      <translation>読み込み</translation>
    </message>
    <message>
      <source>style</source>
      <translation>スタイル</translation>
    </message>
    <message>
      <source>Product (folder, zip, summary.xml or any file)</source>
      <translation>プロダクト (フォルダ、zip、summary.xml または任意のファイル)</translation>
    </message>
    <message>
      <source>Products (*.xml *.zip *.tif *.TIF *.json);;All files (*)</source>
      <translation>プロダクト (*.xml *.zip *.tif *.TIF *.json);;すべてのファイル (*)</translation>
    </message>
    <message>
      <source>A product folder, its zip, its summary.xml or any one of its files.</source>
      <translation>プロダクトのフォルダ、その zip、その summary.xml、またはプロダクト内の任意のファイル。</translation>
    </message>
    <message>
      <source>Polarisations (none = all)</source>
      <translation>偏波 (指定なし = すべて)</translation>
    </message>
    <message>
      <source>Polarisations to load; leave empty to load all the product has.</source>
      <translation>読み込む偏波。空欄にするとプロダクトのすべての偏波を読み込みます。</translation>
    </message>
    <message>
      <source>Scale</source>
      <translation>値の表し方</translation>
    </message>
    <message>
      <source>dB</source>
      <translation>dB</translation>
    </message>
    <message>
      <source>linear power</source>
      <translation>線形値 (電力)</translation>
    </message>
    <message>
      <source>0 = dB, 1 = linear power.</source>
      <translation>0 = dB、1 = 線形値 (電力)。</translation>
    </message>
    <message>
      <source>Style</source>
      <translation>スタイル</translation>
    </message>
    <message>
      <source>Grey per polarisation</source>
      <translation>偏波ごとにグレースケール</translation>
    </message>
    <message>
      <source>False-colour RGB (HH, HV, HH/HV)</source>
      <translation>フォールスカラー RGB (HH, HV, HH/HV)</translation>
    </message>
    <message>
      <source>0 = one grey layer per polarisation, 1 = RGB composite of HH, HV and HH/HV.</source>
      <translation>0 = 偏波ごとに 1 つのグレースケールレイヤ、1 = HH、HV、HH/HV の RGB 合成。</translation>
    </message>
    <message>
      <source>Load data mask and local incidence angle</source>
      <translation>データマスクと局所入射角も読み込む</translation>
    </message>
    <message>
      <source>Also load the data mask and the local incidence angle when the product has them.</source>
      <translation>プロダクトにデータマスクと局所入射角があれば、それらも読み込みます。</translation>
    </message>
    <message>
      <source>Folder for the VRT files (empty = as in the plugin settings)</source>
      <translation>VRTファイルの保存先フォルダ(空欄 = プラグインの設定に従う)</translation>
    </message>
    <message>
      <source>Where the small VRT files are written (the rasters themselves are not copied). Empty: beside the product, or the layer folder of Settings › Options › PALSAR-2; both last, so a saved project opens again.</source>
      <translation>小さなVRTファイルの保存先(ラスタ自体はコピーしません)。空欄の場合はプロダクトと同じ場所、または 設定 › オプション › PALSAR-2 のレイヤフォルダ。どちらも残るため、保存したプロジェクトを再び開けます。</translation>
    </message>
    <message>
      <source>Folder of the VRT files</source>
      <translation>VRTファイルのフォルダ</translation>
    </message>
    <message>
      <source>Layers</source>
      <translation>レイヤ</translation>
    </message>
    <message>
      <source>First backscatter layer</source>
      <translation>後方散乱係数レイヤ (1 つ目)</translation>
    </message>
    <message>
      <source>Products</source>
      <translation>プロダクト</translation>
    </message>
    <message>
      <source>Number of products</source>
      <translation>プロダクト数</translation>
    </message>
    <message>
      <source>Give a product folder, zip, summary.xml or product file as INPUT.</source>
      <translation>INPUT にプロダクトのフォルダ、zip、summary.xml またはプロダクトのファイルを指定してください。</translation>
    </message>
    <message>
      <source>Layer files written to {}</source>
      <translation>レイヤファイルを {} に書き出しました</translation>
    </message>
    <message>
      <source>{}: {} layer(s)</source>
      <translation>{}: {} レイヤ</translation>
    </message>
  </context>
  <context>
    <name>Palsar2Algorithm</name>
    <message>
      <source>Find and download data</source>
      <translation>データの検索とダウンロード</translation>
    </message>
    <message>
      <source>Read products</source>
      <translation>プロダクトの読み込み</translation>
    </message>
    <message>
      <source>Terrain correction</source>
      <translation>斜面勾配補正 (RTC)</translation>
    </message>
    <message>
      <source>Load and analyse</source>
      <translation>読み込みと解析</translation>
    </message>
    <message>
      <source>Disaster events</source>
      <translation>災害関連データ</translation>
    </message>
    <message>
      <source>Could not read or write {}: {}. Check that the path exists, that you may write there and that the disk is not full, then run again.</source>
      <translation>{} を読み書きできませんでした: {}。パスが存在すること、書き込み権限があること、ディスクに空きがあることを確認して、もう一度実行してください。</translation>
    </message>
    <message>
      <source>Warning: {}</source>
      <translation>警告: {}</translation>
    </message>
  </context>
  <context>
    <name>Palsar2OptionsPage</name>
    <message>
      <source>Settings of the PALSAR-2 ScanSAR plugin. Leave a field empty to use the default shown in grey. Passwords and SSH keys are not kept here: add them in Authentication (this dialog) and choose them in the download tool.</source>
      <translation>PALSAR-2 ScanSAR プラグインの設定です。空欄の項目には灰色で表示された既定値が使われます。パスワードとSSH鍵はここには保存しません: このダイアログの「認証」に登録し、ダウンロードツールで選択してください。</translation>
    </message>
    <message>
      <source>Restore defaults</source>
      <translation>既定値に戻す</translation>
    </message>
    <message>
      <source>Show every default value; they are saved with OK</source>
      <translation>すべての項目を既定値にします(OKで保存されます)</translation>
    </message>
    <message>
      <source>PALSAR-2</source>
      <translation>PALSAR-2</translation>
    </message>
  </context>
  <context>
    <name>Palsar2Plugin</name>
    <message>
      <source>PALSAR-2 disaster data</source>
      <translation>PALSAR-2 災害関連データ</translation>
    </message>
    <message>
      <source>Python packages…</source>
      <translation>Python パッケージ…</translation>
    </message>
    <message>
      <source>disaster data panel: Search and Download</source>
      <translation>災害関連データパネル: 検索とダウンロード</translation>
    </message>
  </context>
  <context>
    <name>Palsar2Provider</name>
    <message>
      <source>Ready-made models</source>
      <translation>既製のモデル</translation>
    </message>
    <message>
      <source>An algorithm could not be loaded: {}</source>
      <translation>アルゴリズムを読み込めませんでした: {}</translation>
    </message>
  </context>
  <context>
    <name>Palsar2Settings</name>
    <message>
      <source>Folders</source>
      <translation>フォルダ</translation>
    </message>
    <message>
      <source>JAXA open-data bucket</source>
      <translation>JAXAオープンデータ(バケット)</translation>
    </message>
    <message>
      <source>JAXA G-Portal catalogue</source>
      <translation>JAXA G-Portal カタログ</translation>
    </message>
    <message>
      <source>G-Portal SFTP downloads</source>
      <translation>G-Portal の SFTP ダウンロード</translation>
    </message>
    <message>
      <source>Many scenes (Dask)</source>
      <translation>複数シーン(Dask)</translation>
    </message>
    <message>
      <source>Download folder</source>
      <translation>ダウンロードフォルダ</translation>
    </message>
    <message>
      <source>Where the dock's Download puts products, one folder per product.</source>
      <translation>パネルの「ダウンロード」がプロダクトを保存する場所(1プロダクト1フォルダ)。</translation>
    </message>
    <message>
      <source>Data folder</source>
      <translation>データフォルダ</translation>
    </message>
    <message>
      <source>Where the dock's Load looks for downloaded or processed products of a scene (searched with its subfolders). Empty: the download folder.</source>
      <translation>パネルの「読み込み」が、ダウンロードまたは処理済みのプロダクトを探す場所(サブフォルダも検索)。空欄の場合はダウンロードフォルダ。</translation>
    </message>
    <message>
      <source>DEM for interferograms</source>
      <translation>干渉解析用のDEM</translation>
    </message>
    <message>
      <source>The DEM the dock's Interferogram uses (any raster GDAL reads, covering the scenes). Empty: asked the first time.</source>
      <translation>パネルの「干渉解析」が使うDEM(シーンを覆う、GDALで読める任意のラスタ)。空欄: 初回に尋ねます。</translation>
    </message>
    <message>
      <source>DEM heights above</source>
      <translation>DEMの高さの基準</translation>
    </message>
    <message>
      <source>What the heights of that DEM are measured from (SRTM, ASTER GDEM, Copernicus: the EGM96 geoid).</source>
      <translation>そのDEMの高さの基準(SRTM、ASTER GDEM、Copernicus: EGM96ジオイド)。</translation>
    </message>
    <message>
      <source>EGM96 geoid</source>
      <translation>EGM96 ジオイド</translation>
    </message>
    <message>
      <source>EGM2008 geoid</source>
      <translation>EGM2008 ジオイド</translation>
    </message>
    <message>
      <source>WGS84 ellipsoid</source>
      <translation>WGS84 楕円体</translation>
    </message>
    <message>
      <source>Layer files</source>
      <translation>レイヤファイル</translation>
    </message>
    <message>
      <source>Loaded products are shown through small VRT files, and the dock's comparison writes a log-ratio raster and change polygons. They must last for a saved project to open again: write them in a folder palsar2_layers beside the product's files (a product on the web or in a read-only folder uses the layer folder instead), or always in the layer folder.</source>
      <translation>読み込んだプロダクトは小さなVRTファイルを通して表示し、パネルの比較では対数比ラスタと変化ポリゴンを書き出します。保存したプロジェクトを再び開くには、これらが残っている必要があります: プロダクトのファイルと同じ場所の palsar2_layers フォルダに書き出す(Web上や書き込めないフォルダのプロダクトはレイヤフォルダを使用)か、常にレイヤフォルダに書き出します。</translation>
    </message>
    <message>
      <source>Beside the product</source>
      <translation>プロダクトと同じ場所</translation>
    </message>
    <message>
      <source>In the layer folder</source>
      <translation>レイヤフォルダ</translation>
    </message>
    <message>
      <source>Layer folder</source>
      <translation>レイヤフォルダ</translation>
    </message>
    <message>
      <source>Layer files of products on the web or in read-only folders, or of every product when chosen above. Default: a folder in the QGIS profile.</source>
      <translation>Web上や書き込めないフォルダのプロダクト(上で選んだ場合はすべてのプロダクト)のレイヤファイルの保存先。既定: QGISプロファイル内のフォルダ。</translation>
    </message>
    <message>
      <source>Scene index</source>
      <translation>シーン索引</translation>
    </message>
    <message>
      <source>The local GeoPackage that keeps the open-data bucket's listing, so searches are fast and work offline.</source>
      <translation>オープンデータ(バケット)の一覧を保存するローカルのGeoPackage。検索が速くなり、オフラインでも使えます。</translation>
    </message>
    <message>
      <source>Bucket address</source>
      <translation>バケットのアドレス</translation>
    </message>
    <message>
      <source>HTTPS address of JAXA's open-data bucket (anonymous access).</source>
      <translation>JAXAオープンデータのバケットのHTTPSアドレス(匿名アクセス)。</translation>
    </message>
    <message>
      <source>Folders to list</source>
      <translation>一覧を取得するフォルダ</translation>
    </message>
    <message>
      <source>Comma-separated prefixes of the bucket that searches list.</source>
      <translation>検索で一覧を取得するバケットのプレフィックス(カンマ区切り)。</translation>
    </message>
    <message>
      <source>Reuse a listing for (hours)</source>
      <translation>一覧の再利用期間(時間)</translation>
    </message>
    <message>
      <source>A bucket listing younger than this is reused instead of listed again.</source>
      <translation>この時間内に取得したバケットの一覧は、取り直さずに再利用します。</translation>
    </message>
    <message>
      <source>Catalogue address (CSW)</source>
      <translation>カタログのアドレス(CSW)</translation>
    </message>
    <message>
      <source>G-Portal's catalogue service, searched by 'Search PALSAR-2 scenes' with the G-Portal source.</source>
      <translation>「PALSAR-2シーンの検索」で検索先にG-Portalを選んだときに使うG-Portalのカタログサービス。</translation>
    </message>
    <message>
      <source>Dataset ids</source>
      <translation>データセットID</translation>
    </message>
    <message>
      <source>G-Portal does not publish the ids of the PALSAR-2 datasets: give them per level, e.g. 'L1.1=123,124; L2.2=456', or search once with DATASET_IDS 'discover' and copy the ids it lists.</source>
      <translation>G-PortalはPALSAR-2のデータセットIDを公表していません: 処理レベルごとに指定する(例 'L1.1=123,124; L2.2=456')か、DATASET_IDSに 'discover' を指定して一度検索し、表示されたIDをコピーしてください。</translation>
    </message>
    <message>
      <source>Dataset tree address</source>
      <translation>データセット一覧のアドレス</translation>
    </message>
    <message>
      <source>Where 'discover' reads G-Portal's dataset tree.</source>
      <translation>'discover' がG-Portalのデータセット一覧を読み取るアドレス。</translation>
    </message>
    <message>
      <source>SFTP server</source>
      <translation>SFTPサーバ</translation>
    </message>
    <message>
      <source>Host name of G-Portal's SFTP server.</source>
      <translation>G-PortalのSFTPサーバのホスト名。</translation>
    </message>
    <message>
      <source>SFTP port</source>
      <translation>SFTPポート</translation>
    </message>
    <message>
      <source>Port of the SFTP server.</source>
      <translation>SFTPサーバのポート番号。</translation>
    </message>
    <message>
      <source>SFTP user name</source>
      <translation>SFTPユーザー名</translation>
    </message>
    <message>
      <source>Your G-Portal user name for SFTP with an SSH key. The key itself (or a password) is kept only in QGIS's authentication manager (Settings › Options › Authentication).</source>
      <translation>SSH鍵でSFTP接続するときのG-Portalのユーザー名。鍵(またはパスワード)はQGISの認証マネージャ(設定 › オプション › 認証)にのみ保存します。</translation>
    </message>
    <message>
      <source>SFTP path rule</source>
      <translation>SFTPパスの変換規則</translation>
    </message>
    <message>
      <source>'&lt;regular expression&gt; =&gt; &lt;replacement&gt;' that turns a product location of the catalogue into a path on the SFTP server.</source>
      <translation>カタログのプロダクトの場所をSFTPサーバ上のパスに変換する '&lt;正規表現&gt; =&gt; &lt;置換&gt;'。</translation>
    </message>
    <message>
      <source>Known hosts file</source>
      <translation>known_hosts ファイル</translation>
    </message>
    <message>
      <source>The SSH host keys the plugin trusts; a new server's key is added on first use.</source>
      <translation>プラグインが信頼するSSHホスト鍵。新しいサーバの鍵は初回接続時に追加します。</translation>
    </message>
    <message>
      <source>Dask scheduler address</source>
      <translation>Daskスケジューラのアドレス</translation>
    </message>
    <message>
      <source>A running dask.distributed scheduler, e.g. tcp://host:8786, used by 'Batch terrain correction (many scenes, Dask)' when it runs on a remote scheduler. Its workers must see the output folder.</source>
      <translation>実行中の dask.distributed スケジューラ(例 tcp://host:8786)。「一括斜面勾配補正 (複数シーン、Dask)」をリモートのスケジューラで実行するときに使います。ワーカーから出力フォルダが見えている必要があります。</translation>
    </message>
    <message>
      <source>Give an address that starts with https:// (or http://).</source>
      <translation>https://(または http://)で始まるアドレスを指定してください。</translation>
    </message>
    <message>
      <source>Write the rule as '&lt;regular expression&gt; =&gt; &lt;replacement&gt;'.</source>
      <translation>規則は '&lt;正規表現&gt; =&gt; &lt;置換&gt;' の形で書いてください。</translation>
    </message>
    <message>
      <source>The regular expression is not valid: {}</source>
      <translation>正規表現が正しくありません: {}</translation>
    </message>
    <message>
      <source>Give the scheduler as protocol://host:port, e.g. tcp://192.168.1.10:8786.</source>
      <translation>スケジューラは プロトコル://ホスト:ポート の形で指定してください(例 tcp://192.168.1.10:8786)。</translation>
    </message>
  </context>
  <context>
    <name>ParameterWidgets</name>
    <message>
      <source>Choose a file of the product (or its zip)</source>
      <translation>プロダクトのファイル(またはzip)を選択</translation>
    </message>
    <message>
      <source>Product folder, zip or any of its files</source>
      <translation>プロダクトのフォルダ、zip、または任意の1ファイル</translation>
    </message>
    <message>
      <source>Type or drop a path, or choose a file of the product (…) or its folder</source>
      <translation>パスを入力またはドロップするか、プロダクトのファイル(…)またはフォルダを選択してください</translation>
    </message>
    <message>
      <source>Choose the product's folder</source>
      <translation>プロダクトのフォルダを選択</translation>
    </message>
    <message>
      <source>A raster of terrain heights covering the scene; proposed only when a layer's name says it is one</source>
      <translation>シーンを覆う標高のラスタ。レイヤ名からDEMと分かる場合にだけ候補として表示します</translation>
    </message>
  </context>
  <context>
    <name>PipInstallTask</name>
    <message>
      <source>Installing Python packages: {}</source>
      <translation>Python パッケージをインストール中: {}</translation>
    </message>
    <message>
      <source>QGIS's Python interpreter was not found next to QGIS; install the packages with the commands shown.</source>
      <translation>QGIS の Python インタプリタが QGIS の隣に見つかりません。表示されたコマンドでパッケージをインストールしてください。</translation>
    </message>
    <message>
      <source>{} is not QGIS's Python {} ({}); install the packages with the commands shown.</source>
      <translation>{} は QGIS の Python {} ではありません ({})。表示されたコマンドでパッケージをインストールしてください。</translation>
    </message>
    <message>
      <source>pip is missing: installing it with ensurepip.</source>
      <translation>pip がありません: ensurepip でインストールします。</translation>
    </message>
    <message>
      <source>pip is missing and ensurepip could not install it.</source>
      <translation>pip がなく、ensurepip でもインストールできませんでした。</translation>
    </message>
    <message>
      <source>pip failed (exit code {}): {}</source>
      <translation>pip が失敗しました (終了コード {}): {}</translation>
    </message>
    <message>
      <source>pip finished, but QGIS's Python still cannot import them: {}</source>
      <translation>pip は終了しましたが、QGIS の Python はまだインポートできません: {}</translation>
    </message>
    <message>
      <source>pip could not be run: {}</source>
      <translation>pip を実行できませんでした: {}</translation>
    </message>
    <message>
      <source>Cancelled.</source>
      <translation>キャンセルしました。</translation>
    </message>
  </context>
  <context>
    <name>ReadCeosAlgorithm</name>
    <message>
      <source>Read CEOS product (L1.1 / L1.5)</source>
      <translation>CEOS プロダクトの読み込み (L1.1 / L1.5)</translation>
    </message>
    <message>
      <source>CEOS</source>
      <translation>CEOS</translation>
    </message>
    <message>
      <source>L1.1</source>
      <translation>L1.1</translation>
    </message>
    <message>
      <source>L1.5</source>
      <translation>L1.5</translation>
    </message>
    <message>
      <source>ScanSAR</source>
      <translation>広域観測モード (ScanSAR)</translation>
    </message>
    <message>
      <source>SLC</source>
      <translation>複素数プロダクト (SLC)</translation>
    </message>
    <message>
      <source>sigma0</source>
      <translation>シグマノート (sigma0)</translation>
    </message>
    <message>
      <source>beta0</source>
      <translation>ベータノート (beta0)</translation>
    </message>
    <message>
      <source>gamma0</source>
      <translation>ガンマノート (gamma0)</translation>
    </message>
    <message>
      <source>calibration</source>
      <translation>校正</translation>
    </message>
    <message>
      <source>multilook</source>
      <translation>マルチルック</translation>
    </message>
    <message>
      <source>CEOS product (folder, zip or any of its files)</source>
      <translation>CEOS プロダクト (フォルダ、zip またはプロダクト内の任意のファイル)</translation>
    </message>
    <message>
      <source>All files (*)</source>
      <translation>すべてのファイル (*)</translation>
    </message>
    <message>
      <source>The product folder, its zip, or any one of its files (VOL-, LED-, IMG-, summary.txt).</source>
      <translation>プロダクトのフォルダ、その zip、またはプロダクト内の任意のファイル (VOL-, LED-, IMG-, summary.txt)。</translation>
    </message>
    <message>
      <source>Beams (none = all)</source>
      <translation>ビーム (指定なし = すべて)</translation>
    </message>
    <message>
      <source>ScanSAR beams to read; leave empty to read all. Stripmap products have one beam.</source>
      <translation>読み込む ScanSAR のビーム。空欄にするとすべて読み込みます。高分解能モード (Stripmap) のプロダクトのビームは 1 つです。</translation>
    </message>
    <message>
      <source>Polarisations (none = all)</source>
      <translation>偏波 (指定なし = すべて)</translation>
    </message>
    <message>
      <source>Polarisations to read; leave empty to read all the product has.</source>
      <translation>読み込む偏波。空欄にするとプロダクトのすべての偏波を読み込みます。</translation>
    </message>
    <message>
      <source>Looks in azimuth (0 = automatic)</source>
      <translation>アジマス方向のルック数 (0 = 自動)</translation>
    </message>
    <message>
      <source>Looks in range (0 = automatic)</source>
      <translation>レンジ方向のルック数 (0 = 自動)</translation>
    </message>
    <message>
      <source>Number of samples averaged; 0 gives roughly square 25 m ground pixels.</source>
      <translation>平均するサンプル数。0 にすると地表でおよそ 25 m 四方のピクセルになります。</translation>
    </message>
    <message>
      <source>Calibration</source>
      <translation>校正</translation>
    </message>
    <message>
      <source>sigma0 (σ⁰)</source>
      <translation>シグマノート (σ⁰)</translation>
    </message>
    <message>
      <source>beta0 (β⁰)</source>
      <translation>ベータノート (β⁰)</translation>
    </message>
    <message>
      <source>gamma0 (γ⁰, ellipsoid)</source>
      <translation>ガンマノート (γ⁰、楕円体)</translation>
    </message>
    <message>
      <source>Backscatter quantity in linear power: 0 = σ⁰, 1 = β⁰, 2 = γ⁰ (ellipsoid incidence).</source>
      <translation>出力する後方散乱係数 (線形値、電力): 0 = σ⁰、1 = β⁰、2 = γ⁰ (楕円体入射角による)。</translation>
    </message>
    <message>
      <source>Output folder</source>
      <translation>出力フォルダ</translation>
    </message>
    <message>
      <source>The GeoTIFFs, the footprints and the metadata JSON go into a folder &lt;scene&gt;-&lt;product&gt;-&lt;calibration&gt; inside this folder.</source>
      <translation>GeoTIFF、観測範囲、メタデータJSONは、このフォルダの中のフォルダ &lt;シーン&gt;-&lt;プロダクト&gt;-&lt;校正量&gt; に書き出します。</translation>
    </message>
    <message>
      <source>Metadata JSON</source>
      <translation>メタデータ JSON</translation>
    </message>
    <message>
      <source>Calibrated rasters</source>
      <translation>校正済みラスタ</translation>
    </message>
    <message>
      <source>Beam footprints</source>
      <translation>ビームの観測範囲 (フットプリント)</translation>
    </message>
    <message>
      <source>Give a CEOS product folder, zip or file as INPUT.</source>
      <translation>INPUT に CEOS プロダクトのフォルダ、zip またはファイルを指定してください。</translation>
    </message>
    <message>
      <source>{} {} (level {}, {}, {}-looking): beams {}, polarisations {}</source>
      <translation>{} {} (レベル {}、{}、観測方向 {}): ビーム {}、偏波 {}</translation>
    </message>
    <message>
      <source>This stripmap product has a single beam; leave BEAMS empty.</source>
      <translation>この高分解能モード (Stripmap) のプロダクトのビームは 1 つだけです。BEAMS は空欄にしてください。</translation>
    </message>
  </context>
  <context>
    <name>SceneTasks</name>
    <message>
      <source>PALSAR-2 scenes: {}</source>
      <translation>PALSAR-2 シーン: {}</translation>
    </message>
    <message>
      <source>Cancelled.</source>
      <translation>キャンセルしました。</translation>
    </message>
    <message>
      <source>PALSAR-2</source>
      <translation>PALSAR-2</translation>
    </message>
    <message>
      <source>No catalogue holds scene {} in machine-readable form; JAXA distributes it on request (see the event's notes).</source>
      <translation>シーン {} は機械可読な形でカタログに登録されていません。JAXA が要望に応じて提供しています (災害の注記を参照してください)。</translation>
    </message>
    <message>
      <source>Downloading</source>
      <translation>ダウンロード中</translation>
    </message>
    <message>
      <source>Searching</source>
      <translation>検索中</translation>
    </message>
    <message>
      <source>{} products downloaded into {}; {} files are unverified (the source gives no checksum or ETag for them).</source>
      <translation>{} 個のプロダクトを {} にダウンロードしました。{} 個のファイルは未検証です(配信元がチェックサムやETagを提供していません)。</translation>
    </message>
    <message>
      <source>{} products downloaded into {}.</source>
      <translation>{} 件のプロダクトを {} にダウンロードしました。</translation>
    </message>
    <message>
      <source>{} scenes found and added to the map.</source>
      <translation>{} シーンが見つかり、地図に追加しました。</translation>
    </message>
  </context>
  <context>
    <name>SearchScenesAlgorithm</name>
    <message>
      <source>The setting palsar2/{} is {!r}, not a number: correct it (Settings &gt; Options &gt; Advanced settings) or remove it.</source>
      <translation>設定 palsar2/{} の値 {!r} は数値ではありません。修正するか(設定 &gt; オプション &gt; 詳細設定)、削除してください。</translation>
    </message>
    <message>
      <source>Search PALSAR-2 scenes</source>
      <translation>PALSAR-2 シーンの検索</translation>
    </message>
    <message>
      <source>search</source>
      <translation>検索</translation>
    </message>
    <message>
      <source>catalogue</source>
      <translation>カタログ</translation>
    </message>
    <message>
      <source>catalog</source>
      <translation>カタログ</translation>
    </message>
    <message>
      <source>footprint</source>
      <translation>観測範囲 (フットプリント)</translation>
    </message>
    <message>
      <source>G-Portal</source>
      <translation>G-Portal</translation>
    </message>
    <message>
      <source>STAC</source>
      <translation>STAC</translation>
    </message>
    <message>
      <source>open data</source>
      <translation>オープンデータ</translation>
    </message>
    <message>
      <source>ScanSAR</source>
      <translation>広域観測モード (ScanSAR)</translation>
    </message>
    <message>
      <source>Search area (extent)</source>
      <translation>検索範囲 (領域)</translation>
    </message>
    <message>
      <source>Search area (AOI layer)</source>
      <translation>検索範囲 (AOI レイヤ)</translation>
    </message>
    <message>
      <source>Start date (UTC)</source>
      <translation>開始日 (UTC)</translation>
    </message>
    <message>
      <source>End date (UTC)</source>
      <translation>終了日 (UTC)</translation>
    </message>
    <message>
      <source>Product level</source>
      <translation>プロダクトレベル</translation>
    </message>
    <message>
      <source>Observation mode</source>
      <translation>観測モード</translation>
    </message>
    <message>
      <source>Polarisations (all required)</source>
      <translation>偏波 (すべてを含むシーン)</translation>
    </message>
    <message>
      <source>Pass direction</source>
      <translation>軌道方向 (北行/南行)</translation>
    </message>
    <message>
      <source>Any</source>
      <translation>指定なし</translation>
    </message>
    <message>
      <source>Ascending</source>
      <translation>北行 (Asc)</translation>
    </message>
    <message>
      <source>Descending</source>
      <translation>南行 (Desc)</translation>
    </message>
    <message>
      <source>Source</source>
      <translation>検索先</translation>
    </message>
    <message>
      <source>JAXA open-data bucket (refresh the local index, then search it)</source>
      <translation>JAXA オープンデータのバケット (ローカルのインデックスを更新してから検索)</translation>
    </message>
    <message>
      <source>Local scene index only (offline)</source>
      <translation>ローカルのシーンインデックスのみ (オフライン)</translation>
    </message>
    <message>
      <source>JAXA G-Portal catalogue</source>
      <translation>JAXA G-Portal カタログ</translation>
    </message>
    <message>
      <source>JAXA G-Portal catalogue, legacy system (until October 2026)</source>
      <translation>JAXA G-Portal カタログ (旧システム、2026年10月まで)</translation>
    </message>
    <message>
      <source>Service URL (overrides the source's)</source>
      <translation>サービス URL (検索先の既定の URL の代わりに使用)</translation>
    </message>
    <message>
      <source>Scene index (GeoPackage)</source>
      <translation>シーンインデックス (GeoPackage)</translation>
    </message>
    <message>
      <source>G-Portal dataset ids</source>
      <translation>G-Portal データセット ID</translation>
    </message>
    <message>
      <source>Bucket prefixes to list</source>
      <translation>一覧を取得するバケットのプレフィックス</translation>
    </message>
    <message>
      <source>List the bucket again now</source>
      <translation>バケットの一覧を今すぐ取得し直す</translation>
    </message>
    <message>
      <source>Scene footprints</source>
      <translation>シーンの観測範囲 (フットプリント)</translation>
    </message>
    <message>
      <source>Footprints with the scene record as attributes, sorted by time.</source>
      <translation>シーンの情報を属性に持つ観測範囲 (観測時刻順)。</translation>
    </message>
    <message>
      <source>Number of scenes</source>
      <translation>シーン数</translation>
    </message>
    <message>
      <source>The AOI layer has no geometry: choose a polygon layer.</source>
      <translation>AOI レイヤにジオメトリがありません: ポリゴンレイヤを選択してください。</translation>
    </message>
    <message>
      <source>The AOI layer's features have no area: choose a polygon layer.</source>
      <translation>AOIレイヤの地物に面積がありません。ポリゴンレイヤを選んでください。</translation>
    </message>
    <message>
      <source>Give a search area: an extent or an AOI layer.</source>
      <translation>検索範囲として、領域または AOI レイヤを指定してください。</translation>
    </message>
    <message>
      <source>The search area cannot be expressed in longitude/latitude (EPSG:4326): draw it in another CRS.</source>
      <translation>検索範囲を経緯度(EPSG:4326)に変換できません。別のCRSで指定してください。</translation>
    </message>
    <message>
      <source>The search area crosses the antimeridian (180 degrees) and is wider than 180 degrees: search its parts one by one.</source>
      <translation>検索範囲が180度経線(日付変更線)をまたぎ、幅が180度を超えています。範囲を分けて1つずつ検索してください。</translation>
    </message>
    <message>
      <source>Give a start date and an end date.</source>
      <translation>開始日と終了日を指定してください。</translation>
    </message>
    <message>
      <source>Searching {:.4f}, {:.4f}, {:.4f}, {:.4f} (W, S, E, N, degrees) from {} to {} UTC in {}.</source>
      <translation>範囲 {:.4f}, {:.4f}, {:.4f}, {:.4f} (西, 南, 東, 北、度)、期間 {} ～ {} UTC を {} で検索しています。</translation>
    </message>
    <message>
      <source>The area crosses the antimeridian (180 degrees): searching {:.4f} to 180 and -180 to {:.4f} degrees of longitude.</source>
      <translation>範囲が180度経線(日付変更線)をまたいでいます。経度 {:.4f}~180度 と -180~{:.4f}度 を検索します。</translation>
    </message>
    <message>
      <source>{} scenes found. Data provided by JAXA.</source>
      <translation>{} シーンが見つかりました。提供:JAXA</translation>
    </message>
    <message>
      <source>G-Portal dataset {}: {}{}</source>
      <translation>G-Portal データセット {}: {}{}</translation>
    </message>
    <message>
      <source>To keep these, set DATASET_IDS or the setting palsar2/gportal/dataset_ids to: {}</source>
      <translation>今後もこれらを使うには、DATASET_IDS または設定 palsar2/gportal/dataset_ids に次の値を指定してください: {}</translation>
    </message>
    <message>
      <source>Index {}: {} objects listed ({} from a recent listing), {} items read, {} unchanged.</source>
      <translation>インデックス {}: オブジェクト {} 個を一覧 (うち {} 個は最近の一覧から)、アイテム {} 件を読み込み、{} 件は変更なし。</translation>
    </message>
    <message>
      <source>Could not write scene {} to the output.</source>
      <translation>シーン {} を出力に書き込めませんでした。</translation>
    </message>
  </context>
  <context>
    <name>ShippedModels</name>
    <message>
      <source>L1.1 product to NRB layers (terrain correction, then load)</source>
      <translation>L1.1プロダクトからNRBレイヤへ(斜面勾配補正と読み込み)</translation>
    </message>
    <message>
      <source>From a PALSAR-2 L1.1 product (ScanSAR or stripmap) and a DEM to terrain-corrected gamma0 layers on the map: 'Terrain correction (gamma0 NRB)' writes a CEOS-ARD NRB product, 'Load NRB product as layers' adds it styled (gamma0 in dB, data mask, local incidence angle) in the scene's group. Open the model in the model designer to adapt it. Data provided by JAXA.</source>
      <translation>PALSAR-2のレベル1.1プロダクト(広域観測モード(ScanSAR)または高分解能モード)とDEMから、斜面勾配補正したγ⁰レイヤを地図に表示します: 「斜面勾配補正 (γ⁰ NRB)」がCEOS-ARDのNRBプロダクトを書き出し、「NRB プロダクトをレイヤとして読み込み」がスタイル付き(γ⁰のdB表示、データマスク、局所入射角)でシーンのグループに追加します。モデルデザイナーで開いて変更できます。提供:JAXA</translation>
    </message>
    <message>
      <source>The L1.1 product: its folder, its zip or any of its files.</source>
      <translation>レベル1.1プロダクト: フォルダ、zip、または任意の1ファイル。</translation>
    </message>
    <message>
      <source>A DEM raster covering the scene (any CRS).</source>
      <translation>シーンを覆うDEMのラスタ(座標参照系は問いません)。</translation>
    </message>
    <message>
      <source>0 = EGM96 geoid (SRTM, ASTER, Copernicus), 1 = EGM2008 geoid, 2 = WGS84 ellipsoid.</source>
      <translation>0 = EGM96ジオイド(SRTM、ASTER、Copernicus)、1 = EGM2008ジオイド、2 = WGS84楕円体。</translation>
    </message>
    <message>
      <source>Output pixel size in metres (UTM of the scene centre).</source>
      <translation>出力の画素サイズ(m、シーン中心のUTM)。</translation>
    </message>
    <message>
      <source>L1.1 product (folder, zip or any of its files)</source>
      <translation>L1.1 プロダクト(フォルダ、zip、または任意の1ファイル)</translation>
    </message>
    <message>
      <source>DEM</source>
      <translation>DEM</translation>
    </message>
    <message>
      <source>DEM height reference</source>
      <translation>DEM の高さの基準</translation>
    </message>
    <message>
      <source>Pixel size (m)</source>
      <translation>ピクセルサイズ (m)</translation>
    </message>
  </context>
  <context>
    <name>TerrainCorrectionAlgorithm</name>
    <message>
      <source>Terrain correction (gamma0 NRB)</source>
      <translation>斜面勾配補正 (γ⁰ NRB)</translation>
    </message>
    <message>
      <source>RTC</source>
      <translation>斜面勾配補正 (RTC)</translation>
    </message>
    <message>
      <source>terrain flattening</source>
      <translation>地形平坦化 (terrain flattening)</translation>
    </message>
    <message>
      <source>gamma0</source>
      <translation>ガンマノート (gamma0)</translation>
    </message>
    <message>
      <source>NRB</source>
      <translation>NRB</translation>
    </message>
    <message>
      <source>CEOS-ARD</source>
      <translation>CEOS-ARD</translation>
    </message>
    <message>
      <source>L1.1</source>
      <translation>L1.1</translation>
    </message>
    <message>
      <source>ScanSAR</source>
      <translation>広域観測モード (ScanSAR)</translation>
    </message>
    <message>
      <source>DEM</source>
      <translation>数値標高モデル (DEM)</translation>
    </message>
    <message>
      <source>layover</source>
      <translation>レイオーバ</translation>
    </message>
    <message>
      <source>shadow</source>
      <translation>レーダシャドウ</translation>
    </message>
    <message>
      <source>local incidence angle</source>
      <translation>局所入射角</translation>
    </message>
    <message>
      <source>L1.1 product (folder, zip or any of its files)</source>
      <translation>L1.1 プロダクト (フォルダ、zip またはプロダクト内の任意のファイル)</translation>
    </message>
    <message>
      <source>All files (*)</source>
      <translation>すべてのファイル (*)</translation>
    </message>
    <message>
      <source>The L1.1 product folder, its zip, or any one of its files.</source>
      <translation>L1.1 プロダクトのフォルダ、その zip、またはプロダクト内の任意のファイル。</translation>
    </message>
    <message>
      <source>Output folder</source>
      <translation>出力フォルダ</translation>
    </message>
    <message>
      <source>The NRB product folder is created inside this folder.</source>
      <translation>このフォルダの中に NRB プロダクトのフォルダを作成します。</translation>
    </message>
    <message>
      <source>gamma0 layers</source>
      <translation>γ⁰ レイヤ</translation>
    </message>
    <message>
      <source>Data mask</source>
      <translation>データマスク</translation>
    </message>
    <message>
      <source>Local incidence angle</source>
      <translation>局所入射角</translation>
    </message>
    <message>
      <source>NRB metadata XML</source>
      <translation>NRB メタデータ XML</translation>
    </message>
    <message>
      <source>Give an L1.1 product folder, zip or file as INPUT.</source>
      <translation>INPUT に L1.1 プロダクトのフォルダ、zip またはファイルを指定してください。</translation>
    </message>
    <message>
      <source>NRB product written to {}</source>
      <translation>NRB プロダクトを {} に書き出しました</translation>
    </message>
  </context>
</TS>
