-- Minimal Neovim (0.7+) config for the README pictures: ottl-lsp on YAML and .ottl files.
-- Run as `nvim --clean -u init.lua FILE` with OTTL_LSP naming the server binary.

vim.opt.termguicolors = true
vim.cmd('syntax on')
vim.cmd('colorscheme desert')
vim.opt.number = true
vim.opt.signcolumn = 'yes'
vim.opt.laststatus = 2
vim.opt.wrap = false
vim.opt.swapfile = false
vim.opt.shortmess:append('cI') -- no intro screen, no "match 1 of N" noise under the menu
vim.opt.completeopt = { 'menuone', 'noinsert' }

-- desert predates floats and diagnostics: give the popups a frame, the gutter the text's
-- background (its grey sign column is loud in a picture).
vim.cmd([[
  highlight SignColumn guibg=#333333
  highlight LineNr guifg=#8a8a8a guibg=#333333
  highlight EndOfBuffer guibg=#333333
  highlight NormalFloat guibg=#2b2b38 guifg=#e0e0e0
  highlight FloatBorder guibg=#2b2b38 guifg=#8a8aa8
  highlight Pmenu guibg=#3a3a4a guifg=#e0e0e0
  highlight PmenuSel guibg=#6b8fd6 guifg=#101018 gui=bold
  highlight DiagnosticError guifg=#ff6b6b
  highlight DiagnosticUnderlineError gui=undercurl guisp=#ff6b6b
]])

vim.fn.sign_define('DiagnosticSignError', { text = '✘', texthl = 'DiagnosticSignError' })

vim.diagnostic.config({
  signs = true,
  underline = true,
  severity_sort = true,
  -- The server appends the compiler's "help:" line to the message; inline there is room for
  -- one short line: the message's first line, or the help when that line is long (E0100's
  -- "did you mean" is in its help).
  virtual_text = {
    spacing = 2,
    prefix = '■',
    format = function(d)
      local first, help = d.message:match('^[^\n]*'), d.message:match('\nhelp: ([^\n]*)')
      return string.format('%s: %s', d.code, (#first > 50 and help) or first)
    end,
  },
})

-- Hover in a framed float no wider than 80 columns, wrapped at word boundaries.
vim.lsp.handlers['textDocument/hover'] = function(err, result, ctx, config)
  local opts = vim.tbl_extend('force', config or {}, { border = 'rounded', max_width = 80 })
  local _, win = vim.lsp.handlers.hover(err, result, ctx, opts)
  if win then vim.wo[win].linebreak = true end
end

-- 0.7 has no vim.lsp.start: start one client and attach every OTTL-bearing buffer to it.
local client_id
local function attach(args)
  client_id = client_id or vim.lsp.start_client({
    name = 'ottl-lsp',
    cmd = { os.getenv('OTTL_LSP') or 'ottl-lsp' },
    root_dir = vim.fn.getcwd(),
  })
  vim.lsp.buf_attach_client(args.buf, client_id)
  vim.bo[args.buf].omnifunc = 'v:lua.vim.lsp.omnifunc'
  vim.keymap.set('n', 'K', vim.lsp.buf.hover, { buffer = args.buf }) -- 0.7 does not map K yet
end
vim.filetype.add({ extension = { ottl = 'ottl' } })
vim.api.nvim_create_autocmd('FileType', { pattern = { 'yaml', 'ottl' }, callback = attach })

-- Show the selected completion's documentation in a float beside the menu (0.7's
-- completeopt has no "popup"; its "preview" would open a split at the top instead).
local doc = { buf = vim.api.nvim_create_buf(false, true) }
local function close_doc()
  if doc.win and vim.api.nvim_win_is_valid(doc.win) then vim.api.nvim_win_close(doc.win, true) end
  doc.win = nil
end
local function show_doc(e)
  close_doc()
  local item = e.completed_item or {}
  local text = (item.info ~= ' ' and item.info) or item.menu
  if vim.fn.pumvisible() == 0 or not text or text == '' then return end
  local lines = vim.lsp.util.trim_empty_lines(vim.lsp.util.convert_input_to_markdown_lines(text))
  local col = e.col + e.width + (e.scrollbar and 1 or 0) -- just right of the menu
  local width = math.min(60, vim.o.columns - col - 2)
  vim.lsp.util.stylize_markdown(doc.buf, lines, { max_width = width })
  local height = 0 -- rows after wrapping
  for _, line in ipairs(vim.api.nvim_buf_get_lines(doc.buf, 0, -1, false)) do
    height = height + math.max(1, math.ceil(vim.fn.strdisplaywidth(line) / width))
  end
  doc.win = vim.api.nvim_open_win(doc.buf, false, {
    relative = 'editor', row = e.row, col = col, width = width,
    height = math.min(height, 14), border = 'rounded', style = 'minimal', focusable = false,
  })
  vim.wo[doc.win].wrap = true
  vim.wo[doc.win].linebreak = true
end
vim.api.nvim_create_autocmd('CompleteChanged', {
  -- Buffers cannot change while the menu event runs (textlock): draw right after it.
  callback = function()
    local e = vim.deepcopy(vim.v.event)
    vim.schedule(function() show_doc(e) end)
  end,
})
vim.api.nvim_create_autocmd('CompleteDone', { callback = close_doc })
